import { describe, expect, it } from 'vitest';
import { createLogger, serializeError } from './logger.js';

describe('logger', () => {
  it('censors personal-data fields wherever a careless call passes them', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (l: string) => void lines.push(l) } });
    logger.info({ person: { givenName: 'Selam', familyName: 'Tesfaye' }, password: 'pw', q: 'selam', headers: { cookie: 'opennrm_session=abc' }, caseId: 'c-1' }, 'oops');
    const text = lines.join('');
    for (const value of ['Selam', 'Tesfaye', '"pw"', 'selam', 'abc']) expect(text).not.toContain(value);
    expect(text).toContain('c-1');
    expect(text).toContain('[redacted]');
  });

  it('logs errors by type, code and frames, never by message (drivers quote values)', () => {
    const error = Object.assign(new Error('Key (name)=(Selam Tesfaye) already exists'), { code: '23505' });
    const serialized = serializeError(error);
    expect(serialized).toMatchObject({ type: 'Error', code: '23505' });
    expect(JSON.stringify(serialized)).not.toContain('Selam');
  });
});
