import type { AuthSettings, Session } from '../ports.js';
import type { UserCredentials } from '../users/user.schema.js';

export type LoginRefusal = 'unknown_user' | 'disabled' | 'locked' | 'bad_password';

/** Why a sign-in is refused before the password is even looked at (the password is still checked, for timing). */
export function refusalBeforePassword(user: UserCredentials | undefined, now: Date): LoginRefusal | null {
  if (!user) return 'unknown_user';
  if (user.isDisabled) return 'disabled';
  if (user.lockedUntil && Date.parse(user.lockedUntil) > now.getTime()) return 'locked';
  return null;
}

/** The counters after a wrong password: the n-th consecutive failure locks the account for a while. */
export function afterFailedPassword(
  user: Pick<UserCredentials, 'failedLogins'>,
  now: Date,
  settings: Pick<AuthSettings, 'maxFailures' | 'lockoutMinutes'>,
): { failedLogins: number; lockedUntil: string | null } {
  const failedLogins = user.failedLogins + 1;
  if (failedLogins < settings.maxFailures) return { failedLogins, lockedUntil: null };
  return { failedLogins: 0, lockedUntil: new Date(now.getTime() + settings.lockoutMinutes * 60_000).toISOString() };
}

export type SessionState = 'valid' | 'revoked' | 'expired' | 'idle';

/** A session ends at its absolute expiry, or after `sessionIdleMinutes` without a request. */
export function sessionState(session: Session, now: Date, settings: Pick<AuthSettings, 'sessionIdleMinutes'>): SessionState {
  if (session.revokedAt) return 'revoked';
  if (Date.parse(session.expiresAt) <= now.getTime()) return 'expired';
  if (Date.parse(session.lastSeenAt) + settings.sessionIdleMinutes * 60_000 <= now.getTime()) return 'idle';
  return 'valid';
}

/** `lastSeenAt` is written at most once a minute: a write on every request would make every read a write. */
export function shouldTouch(session: Session, now: Date): boolean {
  return now.getTime() - Date.parse(session.lastSeenAt) >= 60_000;
}
