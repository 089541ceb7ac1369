import { randomBytes } from 'node:crypto';
import { createFieldCipher, type ReloadableFieldCipher } from '../src/platform/field-cipher.js';
import { newRingKey, type KeyRing } from '../src/platform/key-ring.js';

/** A key ring of `count` fresh keys, the last one current. */
export function testKeyRing(count = 1): KeyRing {
  const keys = Array.from({ length: count }, (_, i) => newRingKey(new Date(Date.UTC(2026, 10, 1 + i))));
  const current = keys[keys.length - 1];
  if (!current) throw new Error('a key ring needs a key');
  return { currentId: current.id, keys };
}

/** A field cipher over a fresh random key ring, for store tests that build their own unit of work. */
export function testCipher(ring: KeyRing = testKeyRing()): ReloadableFieldCipher {
  return createFieldCipher(() => ring);
}

/** Base64 of 32 random bytes: an OPENNRM_DATA_KEY for a test app. */
export function randomDataKey(): string {
  return randomBytes(32).toString('base64');
}
