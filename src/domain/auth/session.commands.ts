import type { UserActor } from '../actor.js';
import type { Deps } from '../ports.js';
import { sessionState } from './auth.rules.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { ErrorCode } from '../../shared/errors.js';

/** One of the user's open sessions, as they see it: no token, no CSRF token. */
export interface SessionSummary {
  readonly id: string;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  readonly expiresAt: string;
  readonly isCurrent: boolean;
}

/** More than anyone has open at once; a list this long is itself a reason to revoke. */
const MAX_LISTED_SESSIONS = 100;

/** The actor's own open sessions, newest first, so they can spot one they do not recognise and end it. */
export async function listOwnSessions(deps: Pick<Deps, 'uow' | 'clock' | 'auth'>, actor: UserActor): Promise<Result<{ items: SessionSummary[] }, ErrorCode>> {
  const now = deps.clock.now();
  const sessions = await deps.uow.read((r) => r.sessions.listOpenForUser(actor.userId, now.toISOString(), MAX_LISTED_SESSIONS));
  const items = sessions
    .filter((s) => sessionState(s, now, deps.auth) === 'valid')
    .map((s) => ({ id: s.id, createdAt: s.createdAt, lastSeenAt: s.lastSeenAt, expiresAt: s.expiresAt, isCurrent: s.id === actor.sessionId }));
  return ok({ items });
}

/**
 * Ends one of the actor's own sessions (ending the current one is signing out). Another user's session, or one
 * already over, answers `session.not_found`: session ids of others are not confirmed to exist.
 */
export async function revokeOwnSession(
  deps: Pick<Deps, 'uow' | 'clock' | 'auth'>,
  actor: UserActor,
  sessionId: string,
): Promise<Result<{ isCurrent: boolean }, ErrorCode>> {
  return deps.uow.write(async (r) => {
    const session = await r.sessions.findById(sessionId);
    const now = deps.clock.now();
    if (!session || session.userId !== actor.userId || sessionState(session, now, deps.auth) !== 'valid') return err('session.not_found');
    await r.sessions.revoke(session.id, now.toISOString());
    await r.audit.append(actor, { action: 'auth.session_revoke', recordType: 'session', recordId: session.id });
    return ok({ isCurrent: session.id === actor.sessionId });
  });
}
