import { describe, expect, it } from 'vitest';
import { passwordWeakness } from './password.rules.js';

describe('password policy', () => {
  const common = new Set(['password1234', 'qwertyuiopasdf']);

  it('accepts a long passphrase', () => {
    expect(passwordWeakness('correct horse battery staple', 'amina', common)).toBeNull();
  });

  it('refuses fewer than 12 or more than 256 characters, counting characters rather than bytes', () => {
    expect(passwordWeakness('elevenchars', 'amina', common)).toBe('too_short');
    expect(passwordWeakness('twelve chars', 'amina', common)).toBeNull();
    expect(passwordWeakness('x'.repeat(257), 'amina', common)).toBe('too_long');
    expect(passwordWeakness('x'.repeat(256), 'amina', common)).toBeNull();
    // Eleven Tigrinya letters are 33 bytes in UTF-8, still eleven characters.
    expect(passwordWeakness('ሰላምሰላምሰላም', 'amina', common)).toBe('too_short');
  });

  it('refuses common and breached passwords whatever their case', () => {
    expect(passwordWeakness('password1234', 'amina', common)).toBe('common');
    expect(passwordWeakness('PassWord1234', 'amina', common)).toBe('common');
  });

  it('refuses a password that contains the username, whatever its case', () => {
    expect(passwordWeakness('my name is Amina.Ali 2026', 'amina.ali', common)).toBe('contains_username');
    expect(passwordWeakness('a long passphrase of mine', 'amina.ali', common)).toBeNull();
  });
});
