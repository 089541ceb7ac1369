import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase32, encodeBase32, hotp, matchTotp, newTotpSecret, otpauthUri, totpCode, totpStep } from './totp.js';

// The shared secret of both RFCs' test vectors: the ASCII string "12345678901234567890" (20 bytes, for SHA-1).
const RFC_KEY = Buffer.from('12345678901234567890', 'ascii');

describe('HOTP (RFC 4226 appendix D)', () => {
  it('gives the published 6-digit values for counters 0 to 9', () => {
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
    expect(expected.map((_, counter) => hotp(RFC_KEY, counter))).toEqual(expected);
  });
});

describe('TOTP (RFC 6238 appendix B, SHA-1)', () => {
  const vectors: ReadonlyArray<[seconds: number, step: number, code: string]> = [
    [59, 0x1, '94287082'],
    [1111111109, 0x23523ec, '07081804'],
    [1111111111, 0x23523ed, '14050471'],
    [1234567890, 0x273ef07, '89005924'],
    [2000000000, 0x3f940aa, '69279037'],
    [20000000000, 0x27bc86aa, '65353130'],
  ];

  it.each(vectors)('at %i s (step %i) the 8-digit code is %s', (seconds, step, code) => {
    const at = new Date(seconds * 1000);
    expect(totpStep(at)).toBe(step);
    expect(totpCode(RFC_KEY, at, { digits: 8 })).toBe(code);
  });

  it('uses the last 6 of those digits by default, as authenticator apps do', () => {
    expect(totpCode(RFC_KEY, new Date(59_000))).toBe('287082');
  });
});

describe('base32 (RFC 4648 §10)', () => {
  it('encodes the RFC examples without padding', () => {
    const cases: ReadonlyArray<[string, string]> = [['', ''], ['f', 'MY'], ['fo', 'MZXQ'], ['foo', 'MZXW6'], ['foob', 'MZXW6YQ'], ['fooba', 'MZXW6YTB'], ['foobar', 'MZXW6YTBOI']];
    for (const [plain, encoded] of cases) {
      expect(encodeBase32(Buffer.from(plain))).toBe(encoded);
      expect(decodeBase32(encoded)?.toString()).toBe(plain);
    }
  });

  it('decodes what people type: lower case, spaces, padding; refuses other characters', () => {
    expect(decodeBase32('mzxw 6ytb oi======')?.toString()).toBe('foobar');
    expect(decodeBase32('MZXW1')).toBeUndefined();
  });

  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(decodeBase32(encodeBase32(bytes))).toEqual(Buffer.from(bytes));
      }),
    );
  });
});

describe('checking a code', () => {
  const at = new Date('2026-11-28T12:00:10.000Z');
  const step = totpStep(at);
  const codeAt = (s: number) => hotp(RFC_KEY, s);

  it('accepts the current step and one either side, nothing further', () => {
    expect(matchTotp(RFC_KEY, codeAt(step), at, null)).toEqual({ ok: true, step });
    expect(matchTotp(RFC_KEY, codeAt(step - 1), at, null)).toEqual({ ok: true, step: step - 1 });
    expect(matchTotp(RFC_KEY, codeAt(step + 1), at, null)).toEqual({ ok: true, step: step + 1 });
    expect(matchTotp(RFC_KEY, codeAt(step - 2), at, null)).toEqual({ ok: false, reason: 'wrong_code' });
    expect(matchTotp(RFC_KEY, codeAt(step + 2), at, null)).toEqual({ ok: false, reason: 'wrong_code' });
  });

  it('refuses a code of the last accepted step or an earlier one as a replay', () => {
    expect(matchTotp(RFC_KEY, codeAt(step), at, step)).toEqual({ ok: false, reason: 'replayed' });
    expect(matchTotp(RFC_KEY, codeAt(step - 1), at, step)).toEqual({ ok: false, reason: 'replayed' });
    expect(matchTotp(RFC_KEY, codeAt(step + 1), at, step)).toEqual({ ok: true, step: step + 1 });
  });

  it('refuses codes of another length', () => {
    expect(matchTotp(RFC_KEY, codeAt(step).slice(1), at, null).ok).toBe(false);
    expect(matchTotp(RFC_KEY, `${codeAt(step)}0`, at, null).ok).toBe(false);
  });
});

describe('secrets and URIs', () => {
  it('makes 160-bit secrets, different each time', () => {
    const a = newTotpSecret();
    expect(a).toMatch(/^[A-Z2-7]{32}$/);
    expect(decodeBase32(a)).toHaveLength(20);
    expect(newTotpSecret()).not.toBe(a);
  });

  it('writes the otpauth URI authenticator apps read', () => {
    const uri = otpauthUri('demo.supervisor', 'JBSWY3DPEHPK3PXP');
    expect(uri).toBe('otpauth://totp/OpenNRM:demo.supervisor?secret=JBSWY3DPEHPK3PXP&issuer=OpenNRM&algorithm=SHA1&digits=6&period=30');
  });
});
