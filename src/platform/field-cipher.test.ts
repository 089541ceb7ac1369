import { describe, expect, it } from 'vitest';
import { createFieldCipher, FieldCipherError } from './field-cipher.js';
import { newRingKey, type KeyRing } from './key-ring.js';

const k1 = newRingKey(new Date('2026-11-01T00:00:00Z'));
const k2 = newRingKey(new Date('2026-11-28T00:00:00Z'), [k1.id]);
const ringOf = (...keys: typeof k1[]): KeyRing => ({ currentId: keys[keys.length - 1]?.id ?? '', keys });
const ctx = 'persons.given_name|0193a0b1-0000-7000-8000-000000000001';

/** Flips one bit of the decoded payload at `index` (negative: from the end). */
function tamper(ciphertext: string, index: number): string {
  const [version, keyId, encoded = ''] = ciphertext.split('.');
  const payload = Buffer.from(encoded, 'base64url');
  const at = index < 0 ? payload.length + index : index;
  payload[at] = (payload[at] ?? 0) ^ 0x01;
  return `${version}.${keyId}.${payload.toString('base64url')}`;
}

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    return error instanceof FieldCipherError ? error.code : 'other';
  }
}

describe('field cipher', () => {
  const cipher = createFieldCipher(() => ringOf(k1));

  it('round-trips any text, in a self-describing versioned format', () => {
    for (const text of ['Selam', 'María José', 'محمد', 'ሰላም', '', '1999-02', 'x'.repeat(20_000), 'line\nbreak\u0000nul']) {
      const ciphertext = cipher.encrypt(text, ctx);
      expect(ciphertext.startsWith(`v1.${k1.id}.`)).toBe(true);
      expect(cipher.isCiphertext(ciphertext)).toBe(true);
      expect(cipher.keyIdOf(ciphertext)).toBe(k1.id);
      expect(cipher.decrypt(ciphertext, ctx)).toBe(text);
    }
  });

  it('uses a fresh IV every time, so equal values do not look equal', () => {
    const values = new Set(Array.from({ length: 50 }, () => cipher.encrypt('Selam', ctx)));
    expect(values.size).toBe(50);
    const ivs = new Set([...values].map((v) => Buffer.from(v.split('.')[2] ?? '', 'base64url').subarray(0, 12).toString('hex')));
    expect(ivs.size).toBe(50);
  });

  it('pads to 16 bytes, so the length of a short name or a date does not show', () => {
    const lengths = new Set(['Al', 'Oleksandr', '1999', '1988-11-02', 'fifteen chars..'].map((v) => cipher.encrypt(v, ctx).length));
    expect(lengths.size).toBe(1);
    expect(cipher.encrypt('sixteen chars...', ctx).length).toBeGreaterThan([...lengths][0] ?? 0);
  });

  it('refuses a value moved to another row or column (the context is authenticated)', () => {
    const ciphertext = cipher.encrypt('Selam', ctx);
    expect(codeOf(() => cipher.decrypt(ciphertext, 'persons.family_name|0193a0b1-0000-7000-8000-000000000001'))).toBe('cipher.authentication_failed');
    expect(codeOf(() => cipher.decrypt(ciphertext, 'persons.given_name|0193a0b1-0000-7000-8000-000000000002'))).toBe('cipher.authentication_failed');
  });

  it('refuses tampered ciphertext: IV, body, tag, key id, truncation, plaintext', () => {
    const ciphertext = cipher.encrypt('Selam Tesfaye', ctx);
    for (const index of [0, 11, 12, 20, -1, -16]) expect(codeOf(() => cipher.decrypt(tamper(ciphertext, index), ctx)), `byte ${index}`).toBe('cipher.authentication_failed');
    const relabelled = ciphertext.replace(k1.id, k2.id);
    expect(codeOf(() => createFieldCipher(() => ringOf(k1, k2)).decrypt(relabelled, ctx))).toBe('cipher.authentication_failed');
    expect(codeOf(() => cipher.decrypt(ciphertext.slice(0, -4), ctx))).toMatch(/cipher\.(malformed|authentication_failed)/);
    expect(codeOf(() => cipher.decrypt('Selam', ctx))).toBe('cipher.malformed');
    expect(cipher.isCiphertext('v1. draft statement')).toBe(false);
  });

  it('never puts the value or the context in its error messages', () => {
    try {
      cipher.decrypt(cipher.encrypt('Selam', ctx), 'persons.given_name|other-row');
    } catch (error) {
      expect(String(error)).not.toContain('Selam');
      expect(String(error)).not.toContain('other-row');
    }
  });

  it('reads values under every key of the ring, writes under the current one, and tells which need rotation', () => {
    const old = cipher.encrypt('Selam', ctx);
    const rotated = createFieldCipher(() => ringOf(k1, k2));
    expect(rotated.currentKeyId).toBe(k2.id);
    expect(rotated.keyIds).toEqual([k2.id, k1.id]);
    expect(rotated.decrypt(old, ctx)).toBe('Selam');
    expect(rotated.needsRotation(old)).toBe(true);
    const fresh = rotated.encrypt('Selam', ctx);
    expect(rotated.keyIdOf(fresh)).toBe(k2.id);
    expect(rotated.currentPrefix).toBe(`v1.${k2.id}.`);
    expect(rotated.needsRotation(fresh)).toBe(false);
    expect(codeOf(() => cipher.decrypt(fresh, ctx))).toBe('cipher.unknown_key');
  });

  it('re-reads its ring when a value names a key it lacks (a rotation under way), but not in a loop', () => {
    let ring = ringOf(k1);
    let loads = 0;
    let clock = 0;
    const server = createFieldCipher(() => {
      loads++;
      return ring;
    }, () => clock);
    const fromRotation = createFieldCipher(() => ringOf(k1, k2)).encrypt('Selam', ctx);
    clock = 5_000;
    ring = ringOf(k1, k2);
    expect(server.decrypt(fromRotation, ctx)).toBe('Selam');
    expect(server.currentKeyId).toBe(k2.id);
    const loadsBefore = loads;
    const unknown = createFieldCipher(() => ringOf(newRingKey(new Date()))).encrypt('x', ctx);
    expect(codeOf(() => server.decrypt(unknown, ctx))).toBe('cipher.unknown_key');
    expect(codeOf(() => server.decrypt(unknown, ctx))).toBe('cipher.unknown_key');
    expect(loads).toBe(loadsBefore);
  });

  it('refuses to reload a ring that drops a key or changes the material behind an id', () => {
    let ring = ringOf(k1, k2);
    const server = createFieldCipher(() => ring);
    ring = ringOf(k2);
    expect(() => server.reload()).toThrow(/lacks key/);
    ring = ringOf(k1, { ...k2, key: Buffer.alloc(32, 7) });
    expect(() => server.reload()).toThrow(/other key material/);
    expect(server.keyIds).toEqual([k2.id, k1.id]);
  });

  it('makes blind indexes that are deterministic, separated by purpose and key, and unlike the ciphertext', () => {
    const a = cipher.blindIndex('selam', 'persons.name_token');
    expect(a).toEqual(cipher.blindIndex('selam', 'persons.name_token'));
    expect(a.keyId).toBe(k1.id);
    expect(a.hash).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(cipher.blindIndex('selam', 'other.purpose').hash).not.toBe(a.hash);
    expect(cipher.blindIndex('selan', 'persons.name_token').hash).not.toBe(a.hash);
    const rotated = createFieldCipher(() => ringOf(k1, k2));
    expect(rotated.blindIndex('selam', 'persons.name_token').hash).not.toBe(a.hash);
    expect(rotated.blindIndexCandidates('selam', 'persons.name_token')).toEqual([rotated.blindIndex('selam', 'persons.name_token').hash, a.hash]);
  });
});
