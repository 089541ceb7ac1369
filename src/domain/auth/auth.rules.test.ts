import { describe, expect, it } from 'vitest';
import type { Session } from '../ports.js';
import type { UserCredentials } from '../users/user.schema.js';
import { afterFailedPassword, refusalBeforePassword, sessionState, shouldTouch } from './auth.rules.js';

const now = new Date('2026-11-28T12:00:00.000Z');
const user: UserCredentials = {
  id: 'u', organisationId: 'o', username: 'amina', displayName: 'A', role: 'caseworker', isDisabled: false, isDemo: false,
  createdAt: now.toISOString(), passwordHash: 'h', failedLogins: 0, lockedUntil: null,
};
const session: Session = { id: 's', userId: 'u', csrfToken: 't', createdAt: '2026-11-28T11:00:00.000Z', expiresAt: '2026-11-28T19:00:00.000Z', lastSeenAt: '2026-11-28T11:59:30.000Z', revokedAt: null, assurance: 'password' };
const settings = { maxFailures: 3, lockoutMinutes: 15, sessionIdleMinutes: 60 };

describe('sign-in refusals', () => {
  it('refuses unknown, disabled and locked accounts before the password', () => {
    expect(refusalBeforePassword(undefined, now)).toBe('unknown_user');
    expect(refusalBeforePassword({ ...user, isDisabled: true }, now)).toBe('disabled');
    expect(refusalBeforePassword({ ...user, lockedUntil: '2026-11-28T12:05:00.000Z' }, now)).toBe('locked');
    expect(refusalBeforePassword({ ...user, lockedUntil: '2026-11-28T11:59:00.000Z' }, now)).toBeNull();
  });

  it('locks the account at the n-th consecutive wrong password, for the lockout period', () => {
    expect(afterFailedPassword({ failedLogins: 0 }, now, settings)).toEqual({ failedLogins: 1, lockedUntil: null });
    expect(afterFailedPassword({ failedLogins: 2 }, now, settings)).toEqual({ failedLogins: 0, lockedUntil: '2026-11-28T12:15:00.000Z' });
  });
});

describe('session state', () => {
  it('is valid, then idle, expired or revoked', () => {
    expect(sessionState(session, now, settings)).toBe('valid');
    expect(sessionState({ ...session, revokedAt: now.toISOString() }, now, settings)).toBe('revoked');
    expect(sessionState(session, new Date('2026-11-28T19:00:00.000Z'), settings)).toBe('expired');
    expect(sessionState(session, new Date('2026-11-28T12:59:30.000Z'), settings)).toBe('idle');
  });

  it('records activity at most once a minute', () => {
    expect(shouldTouch(session, now)).toBe(false);
    expect(shouldTouch(session, new Date('2026-11-28T12:00:31.000Z'))).toBe(true);
  });
});
