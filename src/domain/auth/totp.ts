import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Time-based one-time passwords: RFC 4226 (HOTP) and RFC 6238 (TOTP) with HMAC-SHA1, 6 digits and 30-second
 * steps, which is what every authenticator app (FreeOTP, Aegis, Google Authenticator, …) speaks by default.
 * Written here rather than taken from a package: it is forty lines of arithmetic, tested against the RFC vectors.
 */
export const TOTP_STEP_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Codes of one step either side of now are accepted: phone clocks drift and people type slowly. */
export const TOTP_WINDOW_STEPS = 1;
/** RFC 4226 §4 asks for at least 128 bits and recommends 160: the length of an HMAC-SHA1 key. */
export const TOTP_SECRET_BYTES = 20;

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding: how otpauth:// URIs and authenticator apps carry the secret. */
export function encodeBase32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/** Decodes base32, ignoring case, spaces and padding (people copy secrets by hand); undefined if not base32. */
export function decodeBase32(text: string): Buffer | undefined {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  if (!/^[A-Z2-7]*$/.test(clean)) return undefined;
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of clean) {
    buffer = ((buffer << 5) | BASE32_ALPHABET.indexOf(char)) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((buffer >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 4226 §5.3: HMAC-SHA1 of the 8-byte counter, dynamically truncated to `digits` decimal digits. */
export function hotp(key: Uint8Array, counter: number, digits = TOTP_DIGITS): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(message).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** RFC 6238 §4.2: the number of whole steps since the Unix epoch. */
export function totpStep(at: Date, stepSeconds = TOTP_STEP_SECONDS): number {
  return Math.floor(at.getTime() / 1000 / stepSeconds);
}

/** The code an authenticator app shows at `at`. */
export function totpCode(key: Uint8Array, at: Date, options: { digits?: number; stepSeconds?: number } = {}): string {
  return hotp(key, totpStep(at, options.stepSeconds), options.digits);
}

export type TotpMatch = { readonly ok: true; readonly step: number } | { readonly ok: false; readonly reason: 'wrong_code' | 'replayed' };

/**
 * Checks a code against the steps around `at`. A code of a step at or before `lastStep` (the last one accepted for
 * this user) is refused as a replay: a code seen over someone's shoulder, or sent twice, opens nothing.
 */
export function matchTotp(key: Uint8Array, code: string, at: Date, lastStep: number | null): TotpMatch {
  const now = totpStep(at);
  const sent = Buffer.from(code);
  let accepted: number | undefined;
  let isReplay = false;
  for (let step = now - TOTP_WINDOW_STEPS; step <= now + TOTP_WINDOW_STEPS; step++) {
    const expected = Buffer.from(hotp(key, step));
    // Every step is compared, in constant time, whatever matched before: no timing tells which step it was.
    const isSame = expected.length === sent.length && timingSafeEqual(expected, sent);
    if (!isSame) continue;
    if (lastStep !== null && step <= lastStep) isReplay = true;
    else accepted = step;
  }
  if (accepted !== undefined) return { ok: true, step: accepted };
  return { ok: false, reason: isReplay ? 'replayed' : 'wrong_code' };
}

/** A new 160-bit secret, base32-encoded. */
export function newTotpSecret(): string {
  return encodeBase32(randomBytes(TOTP_SECRET_BYTES));
}

/**
 * The `otpauth://` URI authenticator apps read from a QR code (Key Uri Format). The label is `OpenNRM:<username>`
 * so that people with several accounts can tell them apart; no other personal data goes into it.
 */
export function otpauthUri(username: string, secret: string, issuer = 'OpenNRM'): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(username)}`;
  const query = new URLSearchParams({
    secret,
    issuer,
    algorithm: 'SHA1',
    digits: String(TOTP_DIGITS),
    period: String(TOTP_STEP_SECONDS),
  });
  return `otpauth://totp/${label}?${query.toString()}`;
}
