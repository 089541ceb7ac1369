import { randomBytes } from 'node:crypto';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then random bits. Ids sort by creation time, which keeps
 * B-tree inserts local and lets lists page by id.
 */
export function uuidv7(nowMs: number = Date.now(), counter?: number): string {
  const bytes = randomBytes(16);
  if (counter !== undefined) {
    // RFC 9562 §6.2 method 1: a 12-bit counter in rand_a keeps ids of the same millisecond in creation order.
    bytes[6] = (counter >> 8) & 0x0f;
    bytes[7] = counter & 0xff;
  }
  let ms = nowMs;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}

/** A generator of strictly increasing UUIDv7s, also within one millisecond and when the clock steps back. */
export function monotonicUuidv7(now: () => number): () => string {
  let lastMs = -1;
  let counter = 0;
  return () => {
    let ms = now();
    if (ms > lastMs) {
      counter = randomBytes(1)[0] ?? 0; // random start, leaving room for 3,800+ ids in the millisecond
    } else {
      ms = lastMs;
      counter += 1;
      if (counter > 0xfff) {
        ms += 1;
        counter = 0;
      }
    }
    lastMs = ms;
    return uuidv7(ms, counter);
  };
}
