import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeKey, envKeyId, keyRingSource, newRingKey, parseKeyRingFile, readKeyRingFile, serialiseKeyRing, writeKeyRingFile } from './key-ring.js';

const dir = mkdtempSync(join(tmpdir(), 'opennrm-keyring-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('key ring', () => {
  it('writes and reads the documented JSON format, owner-only', () => {
    const a = newRingKey(new Date('2026-11-01T00:00:00Z'));
    const b = newRingKey(new Date('2026-11-28T00:00:00Z'), [a.id]);
    const file = join(dir, 'ring.json');
    writeKeyRingFile(file, { currentId: b.id, keys: [a, b] }, { replace: false });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const json = JSON.parse(readFileSync(file, 'utf8'));
    expect(json).toEqual({
      format: 'opennrm-key-ring/1',
      current: b.id,
      keys: [
        { id: a.id, createdAt: '2026-11-01T00:00:00.000Z', key: a.key.toString('base64') },
        { id: b.id, createdAt: '2026-11-28T00:00:00.000Z', key: b.key.toString('base64') },
      ],
    });
    expect(a.id).toMatch(/^k20261101-[0-9a-f]{6}$/);
    const ring = readKeyRingFile(file);
    expect(ring.currentId).toBe(b.id);
    expect(ring.keys.map((k) => k.key.equals(k.id === a.id ? a.key : b.key))).toEqual([true, true]);
    expect(() => writeKeyRingFile(file, ring, { replace: false })).toThrow(/exists/);
    writeKeyRingFile(file, { currentId: a.id, keys: ring.keys }, { replace: true });
    expect(readKeyRingFile(file).currentId).toBe(a.id);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('rejects malformed rings with messages that never quote key material', () => {
    const key = newRingKey(new Date());
    const good = JSON.parse(serialiseKeyRing({ currentId: key.id, keys: [key] }));
    const cases: Array<[unknown, RegExp]> = [
      [{ ...good, current: 'nope' }, /current key nope is not in the ring/],
      [{ ...good, keys: [...good.keys, ...good.keys] }, /twice/],
      [{ ...good, keys: [{ ...good.keys[0], key: Buffer.alloc(16).toString('base64') }] }, /not base64 of 32 bytes/],
      [{ ...good, keys: [{ ...good.keys[0], id: 'has.dot' }] }, /invalid/],
      [{ ...good, format: 'other' }, /invalid/],
      [{ ...good, keys: [] }, /invalid/],
    ];
    for (const [ring, message] of cases) {
      let thrown: unknown;
      try {
        parseKeyRingFile(JSON.stringify(ring), 'ring.json');
      } catch (error) {
        thrown = error;
      }
      expect(String(thrown)).toMatch(message);
      expect(String(thrown)).not.toContain(key.key.toString('base64'));
    }
    expect(() => parseKeyRingFile('{not json', 'ring.json')).toThrow(/not JSON/);
    expect(() => readKeyRingFile(join(dir, 'missing'))).toThrow(/opennrm keys generate/);
  });

  it('decodes a 32-byte key from base64 or base64url, and nothing else', () => {
    const key = newRingKey(new Date()).key;
    expect(decodeKey(key.toString('base64'))?.equals(key)).toBe(true);
    expect(decodeKey(key.toString('base64url'))?.equals(key)).toBe(true);
    expect(decodeKey(key.subarray(0, 31).toString('base64'))).toBeUndefined();
    expect(decodeKey('not a key at all!')).toBeUndefined();
  });

  it('generates a development ring once, and reuses it', () => {
    const dataDir = join(dir, 'dev');
    const source = keyRingSource({ dataKeyFile: undefined, dataKey: undefined, dataDir });
    expect(source).toMatchObject({ file: join(dataDir, 'data-key'), isGenerated: true });
    expect(statSync(join(dataDir, 'data-key')).mode & 0o777).toBe(0o600);
    const first = source.load();
    const again = keyRingSource({ dataKeyFile: undefined, dataKey: undefined, dataDir }).load();
    expect(again.currentId).toBe(first.currentId);
  });

  it('takes a single key from OPENNRM_DATA_KEY, with a stable derived id, alone or beside a ring file', () => {
    const key = newRingKey(new Date()).key;
    const env = keyRingSource({ dataKeyFile: undefined, dataKey: key.toString('base64'), dataDir: join(dir, 'unused') });
    expect(env.file).toBeUndefined();
    expect(env.load().currentId).toBe(envKeyId(key));
    expect(envKeyId(key)).toMatch(/^env-[0-9a-f]{8}$/);
    expect(() => keyRingSource({ dataKeyFile: undefined, dataKey: 'short', dataDir: dir })).toThrow(/base64 of 32/);

    const fileKey = newRingKey(new Date());
    const file = join(dir, 'with-env.json');
    writeFileSync(file, serialiseKeyRing({ currentId: fileKey.id, keys: [fileKey] }), { mode: 0o600 });
    const both = keyRingSource({ dataKeyFile: file, dataKey: key.toString('base64'), dataDir: dir }).load();
    expect(both.currentId).toBe(fileKey.id);
    expect(both.keys.map((k) => [k.id, k.source])).toEqual([[fileKey.id, 'file'], [envKeyId(key), 'env']]);
    // The env key never ends up in the file when the ring is written back.
    expect(serialiseKeyRing(both)).not.toContain(key.toString('base64'));
  });
});
