import { describe, expect, it } from 'vitest';
import { nameTokens, normaliseName } from './person.rules.js';
import { partialDateSchema, personInputSchema } from './person.schema.js';

describe('normaliseName', () => {
  it('folds case, accents, compatibility forms and spacing', () => {
    expect(normaliseName('  José  ', 'MARÍA-López')).toBe('jose maria lopez');
    expect(normaliseName('Ｍｏｈａｍｍｅｄ')).toBe('mohammed');
    expect(normaliseName('Selam', null, undefined)).toBe('selam');
  });

  it('keeps non-Latin letters (transliteration is the linkage module’s job)', () => {
    expect(normaliseName('محمد', 'Ali')).toBe('محمد ali');
    expect(normaliseName('ሰላም')).toBe('ሰላም');
  });
});

describe('nameTokens', () => {
  it('splits a normalised name into distinct words', () => {
    expect(nameTokens(normaliseName('María José', 'Ramírez'))).toEqual(['maria', 'jose', 'ramirez']);
    expect(nameTokens(normaliseName('Maria', 'MARIA'))).toEqual(['maria']);
    expect(nameTokens(normaliseName('!!!'))).toEqual([]);
  });
});

describe('person input', () => {
  it('accepts dates known to the year, month or day, and rejects impossible ones', () => {
    for (const ok of ['1999', '2008-03', '2000-02-29']) expect(partialDateSchema.safeParse(ok).success).toBe(true);
    for (const bad of ['1999-13', '2001-02-29', '99', '1999-1-1', '1800']) expect(partialDateSchema.safeParse(bad).success).toBe(false);
  });

  it('rejects unknown fields and defaults sex to unknown', () => {
    expect(personInputSchema.safeParse({ givenName: 'A', cooperating: true }).success).toBe(false);
    expect(personInputSchema.parse({ givenName: 'A' }).sex).toBe('unknown');
  });
});
