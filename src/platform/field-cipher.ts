import { createCipheriv, createDecipheriv, createHmac, createSecretKey, hkdfSync, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { BlindIndex, FieldCipher } from '../domain/ports.js';
import { KeyRingError, type KeyRing } from './key-ring.js';

/**
 * AES-256-GCM field encryption and HMAC-SHA256 blind indexes over a key ring (ADR 0005).
 *
 * Ciphertext: `v1.<keyId>.<base64url(iv ‖ ciphertext ‖ tag)>`, a random 96-bit IV per value. The additional
 * authenticated data binds the format version, the key id and the caller's context (table, column, row id), so a
 * value copied to another row or column, or relabelled with another key id, fails to decrypt. The plaintext is
 * padded to a multiple of 16 bytes (ISO/IEC 7816-4: 0x80 then zeros), so a ciphertext's length gives a name's or a
 * date's length away only to within 16 bytes.
 *
 * Each ring key yields two subkeys by HKDF-SHA256 with distinct labels: one encrypts, the other keys the blind
 * indexes, so neither use can weaken the other.
 */

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const PAD_BLOCK = 16;
/** Smallest payload: IV, one padded block, tag (44 bytes = 59 base64url characters). */
const CIPHERTEXT_RE = /^v1\.([A-Za-z0-9_-]{1,32})\.([A-Za-z0-9_-]{59,})$/;
const INDEX_HASH_BYTES = 16;
/** A key id the ring lacks makes the cipher re-read its ring, at most this often (a rotation may have added it). */
const RELOAD_MIN_INTERVAL_MS = 1_000;

/** Why a value could not be decrypted. The message names the key id at most: never the value or the context's row. */
export class FieldCipherError extends Error {
  override readonly name = 'FieldCipherError';
  constructor(
    readonly code: 'cipher.malformed' | 'cipher.unknown_key' | 'cipher.authentication_failed',
    message: string,
  ) {
    super(message);
  }
}

interface DerivedKey {
  readonly id: string;
  readonly material: Buffer;
  readonly encryption: KeyObject;
  readonly index: Buffer;
}

interface Ring {
  readonly current: DerivedKey;
  readonly byId: ReadonlyMap<string, DerivedKey>;
  /** Current first. */
  readonly ordered: readonly DerivedKey[];
  readonly ids: readonly string[];
}

function subkey(material: Buffer, label: string): Buffer {
  return Buffer.from(hkdfSync('sha256', material, Buffer.alloc(0), `opennrm/${VERSION}/${label}`, 32));
}

function derive(ring: KeyRing): Ring {
  const byId = new Map<string, DerivedKey>();
  for (const k of ring.keys) {
    byId.set(k.id, { id: k.id, material: k.key, encryption: createSecretKey(subkey(k.key, 'field-encryption')), index: subkey(k.key, 'blind-index') });
  }
  const current = byId.get(ring.currentId);
  if (!current) throw new KeyRingError(`current key ${ring.currentId} is not in the ring`);
  const ordered = [current, ...[...byId.values()].filter((k) => k !== current)];
  return { current, byId, ordered, ids: ordered.map((k) => k.id) };
}

function aad(keyId: string, context: string): Buffer {
  return Buffer.from(`opennrm|${VERSION}|${keyId}|${context}`, 'utf8');
}

function pad(plaintext: Buffer): Buffer {
  const length = (Math.floor(plaintext.length / PAD_BLOCK) + 1) * PAD_BLOCK;
  const out = Buffer.alloc(length);
  plaintext.copy(out);
  out[plaintext.length] = 0x80;
  return out;
}

function unpad(padded: Buffer): Buffer {
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (end < 0 || padded[end] !== 0x80) throw new FieldCipherError('cipher.malformed', 'field ciphertext has bad padding');
  return padded.subarray(0, end);
}

export interface ReloadableFieldCipher extends FieldCipher {
  /**
   * Re-reads the key ring (after a rotation added a key). Refuses a ring that drops a key in use or changes the
   * material behind a known key id; throws KeyRingError then, and the old ring stays.
   */
  reload(): void;
}

/** A cipher over the ring `load` returns; `load` is called again by reload() and when a ciphertext names an unknown key. */
export function createFieldCipher(load: () => KeyRing, now: () => number = Date.now): ReloadableFieldCipher {
  let ring = derive(load());
  // The first unknown key may trigger a reload at once; after that, at most one a second.
  let lastReload = Number.NEGATIVE_INFINITY;

  function reload(): void {
    const next = derive(load());
    lastReload = now();
    for (const [id, old] of ring.byId) {
      const replacement = next.byId.get(id);
      if (!replacement) throw new KeyRingError(`the reloaded key ring lacks key ${id}, which this server has been using; keeping the old ring`);
      if (!timingSafeEqual(replacement.material, old.material)) throw new KeyRingError(`the reloaded key ring holds other key material under id ${id}; keeping the old ring`);
    }
    ring = next;
  }

  function keyFor(id: string): DerivedKey {
    let key = ring.byId.get(id);
    if (!key && now() - lastReload >= RELOAD_MIN_INTERVAL_MS) {
      try {
        reload();
      } catch {
        // An unreadable ring is reported by the watcher; here the value just stays undecryptable.
      }
      key = ring.byId.get(id);
    }
    if (!key) throw new FieldCipherError('cipher.unknown_key', `field ciphertext is under key ${id}, which is not in the key ring`);
    return key;
  }

  function hashUnder(key: DerivedKey, value: string, purpose: string): string {
    return createHmac('sha256', key.index).update(`${purpose}\u0000${value}`, 'utf8').digest().subarray(0, INDEX_HASH_BYTES).toString('base64url');
  }

  return {
    get currentKeyId() {
      return ring.current.id;
    },
    get keyIds() {
      return ring.ids;
    },
    get currentPrefix() {
      return `${VERSION}.${ring.current.id}.`;
    },
    reload,
    encrypt(plaintext, context) {
      const key = ring.current;
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key.encryption, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(aad(key.id, context));
      const body = Buffer.concat([cipher.update(pad(Buffer.from(plaintext, 'utf8'))), cipher.final()]);
      return `${VERSION}.${key.id}.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
    },
    decrypt(ciphertext, context) {
      const match = CIPHERTEXT_RE.exec(ciphertext);
      if (!match) throw new FieldCipherError('cipher.malformed', 'value is not a field ciphertext');
      const [, id = '', encoded = ''] = match;
      const key = keyFor(id);
      const payload = Buffer.from(encoded, 'base64url');
      if (payload.length < IV_BYTES + PAD_BLOCK + TAG_BYTES || (payload.length - IV_BYTES - TAG_BYTES) % PAD_BLOCK !== 0) {
        throw new FieldCipherError('cipher.malformed', 'field ciphertext has a bad length');
      }
      const decipher = createDecipheriv('aes-256-gcm', key.encryption, payload.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
      decipher.setAAD(aad(id, context));
      decipher.setAuthTag(payload.subarray(payload.length - TAG_BYTES));
      let padded: Buffer;
      try {
        padded = Buffer.concat([decipher.update(payload.subarray(IV_BYTES, payload.length - TAG_BYTES)), decipher.final()]);
      } catch {
        throw new FieldCipherError('cipher.authentication_failed', `field ciphertext under key ${id} failed authentication (altered, or moved from another field)`);
      }
      return unpad(padded).toString('utf8');
    },
    isCiphertext: (value) => CIPHERTEXT_RE.test(value),
    keyIdOf: (value) => CIPHERTEXT_RE.exec(value)?.[1],
    needsRotation(ciphertext) {
      return CIPHERTEXT_RE.exec(ciphertext)?.[1] !== ring.current.id;
    },
    blindIndex(value, purpose): BlindIndex {
      return { keyId: ring.current.id, hash: hashUnder(ring.current, value, purpose) };
    },
    blindIndexCandidates(value, purpose) {
      return ring.ordered.map((key) => hashUnder(key, value, purpose));
    },
  };
}
