import type { AnonymousActor, UserActor } from '../actor.js';
import type { Purpose } from '../common.schema.js';
import type { Deps, SessionContext } from '../ports.js';
import type { User } from '../users/user.schema.js';
import { afterFailedPassword, refusalBeforePassword, sessionState, shouldTouch } from './auth.rules.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { ErrorCode } from '../../shared/errors.js';

export interface LoginSuccess {
  readonly token: string;
  readonly csrfToken: string;
  readonly expiresAt: string;
  readonly user: User;
}

/**
 * Signs a user in. Every refusal is the same `auth.invalid_credentials`: the caller never learns whether the
 * username exists, the account is disabled or locked, or the password was wrong. The audit log records which.
 */
export async function login(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids' | 'passwords' | 'tokens' | 'auth'>,
  actor: AnonymousActor,
  input: { username: string; password: string },
): Promise<Result<LoginSuccess, ErrorCode>> {
  const user = await deps.uow.read((r) => r.users.findCredentials(input.username));
  const refusal = refusalBeforePassword(user, deps.clock.now());
  // Always verify, even for an unknown user (against a decoy hash): every refusal takes as long as a wrong password.
  const isPasswordRight = await deps.passwords.verify(user?.passwordHash, input.password);
  const now = deps.clock.now();
  if (!user || refusal || !isPasswordRight) {
    const reason = refusal ?? 'bad_password';
    await deps.uow.write(async (r) => {
      if (user && reason === 'bad_password') {
        const next = afterFailedPassword(user, now, deps.auth);
        await r.users.recordLoginFailure(user.id, next.failedLogins, next.lockedUntil);
        if (next.lockedUntil) {
          await r.audit.append(actor, { action: 'auth.lockout', recordType: 'user', recordId: user.id, outcome: 'denied' });
        }
      }
      await r.audit.append(actor, {
        action: 'auth.login',
        recordType: user ? 'user' : null,
        recordId: user?.id ?? null,
        outcome: 'denied',
        details: { reason },
      });
      return ok(undefined);
    });
    return err('auth.invalid_credentials');
  }
  const token = deps.tokens.newToken();
  const session = {
    id: deps.ids.next(),
    userId: user.id,
    csrfToken: deps.tokens.newToken(),
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + deps.auth.sessionTtlMinutes * 60_000).toISOString(),
    lastSeenAt: now.toISOString(),
    revokedAt: null,
  };
  return deps.uow.write(async (r) => {
    await r.users.recordLoginSuccess(user.id);
    await r.sessions.insert({ ...session, tokenHash: deps.tokens.hashToken(token) });
    const org = await r.organisations.findById(user.organisationId);
    if (!org) return err('auth.invalid_credentials');
    const asUser: UserActor = {
      kind: 'user',
      userId: user.id,
      organisationId: org.id,
      organisationType: org.type,
      role: user.role,
      sessionId: session.id,
      requestId: actor.requestId,
      purpose: 'authentication',
    };
    await r.audit.append(asUser, { action: 'auth.login', recordType: 'session', recordId: session.id });
    const { passwordHash: _h, failedLogins: _f, lockedUntil: _l, ...publicUser } = user;
    return ok({ token, csrfToken: session.csrfToken, expiresAt: session.expiresAt, user: { ...publicUser, isDisabled: false } });
  });
}

/** Resolves a session token to the acting user, or `auth.unauthenticated` (expired, revoked, idle, disabled, unknown). */
export async function authenticate(
  deps: Pick<Deps, 'uow' | 'clock' | 'tokens' | 'auth'>,
  token: string,
  request: { requestId: string; purpose: Purpose },
): Promise<Result<{ actor: UserActor; context: SessionContext }, ErrorCode>> {
  const context = await deps.uow.read((r) => r.sessions.findContext(deps.tokens.hashToken(token)));
  const now = deps.clock.now();
  if (!context || context.user.isDisabled || sessionState(context.session, now, deps.auth) !== 'valid') {
    return err('auth.unauthenticated');
  }
  if (shouldTouch(context.session, now)) {
    await deps.uow.write(async (r) => ok(await r.sessions.touch(context.session.id, now.toISOString())));
  }
  const actor: UserActor = {
    kind: 'user',
    userId: context.user.id,
    organisationId: context.organisation.id,
    organisationType: context.organisation.type,
    role: context.user.role,
    sessionId: context.session.id,
    requestId: request.requestId,
    purpose: request.purpose,
  };
  return ok({ actor, context });
}

/** Ends the actor's session. */
export async function logout(deps: Pick<Deps, 'uow' | 'clock'>, actor: UserActor): Promise<Result<void, ErrorCode>> {
  return deps.uow.write(async (r) => {
    await r.sessions.revoke(actor.sessionId, deps.clock.now().toISOString());
    await r.audit.append(actor, { action: 'auth.logout', recordType: 'session', recordId: actor.sessionId });
    return ok(undefined);
  });
}

/** Changes the actor's password after checking the current one; every other session of theirs ends. */
export async function changePassword(
  deps: Pick<Deps, 'uow' | 'clock' | 'passwords'>,
  actor: UserActor,
  input: { currentPassword: string; newPassword: string },
): Promise<Result<void, ErrorCode>> {
  const user = await deps.uow.read((r) => r.users.findCredentialsById(actor.userId));
  if (!user || !(await deps.passwords.verify(user.passwordHash, input.currentPassword))) {
    await deps.uow.write(async (r) => {
      await r.audit.append(actor, { action: 'auth.password_change', recordType: 'user', recordId: actor.userId, outcome: 'denied' });
      return ok(undefined);
    });
    return err('auth.invalid_credentials');
  }
  if (input.newPassword === input.currentPassword) return err('auth.password_too_weak');
  const hash = await deps.passwords.hash(input.newPassword);
  return deps.uow.write(async (r) => {
    const now = deps.clock.now().toISOString();
    await r.users.setPassword(actor.userId, hash, now);
    await r.sessions.revokeAllForUser(actor.userId, now, actor.sessionId);
    await r.audit.append(actor, { action: 'auth.password_change', recordType: 'user', recordId: actor.userId });
    return ok(undefined);
  });
}
