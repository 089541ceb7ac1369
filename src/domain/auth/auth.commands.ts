import type { AnonymousActor, UserActor } from '../actor.js';
import type { Purpose } from '../common.schema.js';
import type { Deps, SessionContext } from '../ports.js';
import type { User } from '../users/user.schema.js';
import { afterFailedPassword, refusalBeforePassword, sessionState, shouldTouch } from './auth.rules.js';
import { passwordWeakness, type PasswordWeakness } from './password.rules.js';
import { isPendingVerificationTooOld, isSecondFactorRequired, secondFactorState, type SecondFactorState } from './second-factor.rules.js';
import { err, errWith, ok, type Result } from '../../shared/result.js';
import type { ErrorCode } from '../../shared/errors.js';

export interface LoginSuccess {
  readonly token: string;
  readonly csrfToken: string;
  readonly expiresAt: string;
  readonly user: User;
  /** `required_verify` or `required_enrol`: the session can only finish signing in (see second-factor.rules.ts). */
  readonly secondFactor: SecondFactorState;
}

/** Why `password` cannot be the new password of `username`, or null. Loads the breach list on first use. */
export async function findPasswordWeakness(
  deps: Pick<Deps, 'commonPasswords'>,
  password: string,
  username: string,
): Promise<PasswordWeakness | null> {
  return passwordWeakness(password, username, await deps.commonPasswords.load());
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
    // The password is one factor; totp/verify upgrades the session (as a new one) when the code follows.
    assurance: 'password' as const,
  };
  return deps.uow.write(async (r) => {
    const org = await r.organisations.findById(user.organisationId);
    if (!org) return err('auth.invalid_credentials');
    const isEnrolled = Boolean((await r.users.findTotp(user.id))?.enabledAt);
    // With a second factor the failure count restarts only once the code is right too: otherwise a right password
    // between wrong codes would reset the lockout, and codes could be guessed for ever.
    if (!isEnrolled) await r.users.recordLoginSuccess(user.id);
    await r.sessions.insert({ ...session, tokenHash: deps.tokens.hashToken(token) });
    const isRequired = isSecondFactorRequired(user, org.type, deps.auth.totpRequirement);
    const secondFactor = secondFactorState({ isRequired, isEnrolled, assurance: session.assurance });
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
    await r.audit.append(asUser, { action: 'auth.login', recordType: 'session', recordId: session.id, details: { secondFactor } });
    const { passwordHash: _h, failedLogins: _f, lockedUntil: _l, ...publicUser } = user;
    return ok({ token, csrfToken: session.csrfToken, expiresAt: session.expiresAt, user: { ...publicUser, isDisabled: false }, secondFactor });
  });
}

/**
 * Resolves a session token to the acting user, or `auth.unauthenticated` (expired, revoked, idle, disabled,
 * unknown, or waiting too long for its second factor). `secondFactor` says whether the session is a full one; the
 * HTTP layer lets a session that is not call only the second-factor steps.
 */
export async function authenticate(
  deps: Pick<Deps, 'uow' | 'clock' | 'tokens' | 'auth'>,
  token: string,
  request: { requestId: string; purpose: Purpose },
): Promise<Result<{ actor: UserActor; context: SessionContext; secondFactor: SecondFactorState }, ErrorCode>> {
  const context = await deps.uow.read((r) => r.sessions.findContext(deps.tokens.hashToken(token)));
  const now = deps.clock.now();
  if (!context || context.user.isDisabled || sessionState(context.session, now, deps.auth) !== 'valid') {
    return err('auth.unauthenticated');
  }
  const secondFactor = secondFactorState({
    isRequired: isSecondFactorRequired(context.user, context.organisation.type, deps.auth.totpRequirement),
    isEnrolled: context.isTotpEnabled,
    assurance: context.session.assurance,
  });
  if (isPendingVerificationTooOld(secondFactor, context.session.createdAt, now)) return err('auth.unauthenticated');
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
  return ok({ actor, context, secondFactor });
}

/** Ends the actor's session. */
export async function logout(deps: Pick<Deps, 'uow' | 'clock'>, actor: UserActor): Promise<Result<void, ErrorCode>> {
  return deps.uow.write(async (r) => {
    await r.sessions.revoke(actor.sessionId, deps.clock.now().toISOString());
    await r.audit.append(actor, { action: 'auth.logout', recordType: 'session', recordId: actor.sessionId });
    return ok(undefined);
  });
}

/**
 * Changes the actor's password after checking the current one and the password policy (password.rules.ts);
 * every other session of theirs ends. A refusal for weakness names the reason, never the password.
 */
export async function changePassword(
  deps: Pick<Deps, 'uow' | 'clock' | 'passwords' | 'commonPasswords'>,
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
  const weakness = input.newPassword === input.currentPassword ? 'same_as_current' : await findPasswordWeakness(deps, input.newPassword, user.username);
  if (weakness) {
    await deps.uow.write(async (r) => {
      await r.audit.append(actor, {
        action: 'auth.password_change',
        recordType: 'user',
        recordId: actor.userId,
        outcome: 'denied',
        details: { reason: weakness },
      });
      return ok(undefined);
    });
    return errWith('auth.password_too_weak', [{ field: 'newPassword', reason: weakness }]);
  }
  const hash = await deps.passwords.hash(input.newPassword);
  return deps.uow.write(async (r) => {
    const now = deps.clock.now().toISOString();
    await r.users.setPassword(actor.userId, hash, now);
    await r.sessions.revokeAllForUser(actor.userId, now, actor.sessionId);
    await r.audit.append(actor, { action: 'auth.password_change', recordType: 'user', recordId: actor.userId });
    return ok(undefined);
  });
}
