import type { SystemActor, UserActor } from '../actor.js';
import type { Deps, Repos, Session, UnitOfWork } from '../ports.js';
import { afterFailedPassword } from './auth.rules.js';
import { isSecondFactorRequired, type SecondFactorState } from './second-factor.rules.js';
import { decodeBase32, matchTotp, newTotpSecret, otpauthUri } from './totp.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { ErrorCode } from '../../shared/errors.js';

type TotpDeps = Pick<Deps, 'uow' | 'clock' | 'ids' | 'tokens' | 'auth'>;

/** The session that replaces the one that gave its code: new token and CSRF token, same absolute expiry. */
export interface UpgradedSession {
  readonly token: string;
  readonly csrfToken: string;
  readonly expiresAt: string;
  readonly secondFactor: SecondFactorState;
}

/**
 * Runs `work` in a write transaction that commits even when `work` refuses: a refused code must leave its audit
 * event and its failure count behind, which a rolled-back transaction would erase.
 */
async function writeKeepingRefusals<T>(uow: UnitOfWork, work: (r: Repos) => Promise<Result<T, ErrorCode>>): Promise<Result<T, ErrorCode>> {
  const outcome = await uow.write(async (r) => ok(await work(r)));
  return outcome.ok ? outcome.value : outcome;
}

/**
 * A session that proves more gets a new token (OWASP: renew the session identifier on a privilege change), so a
 * token seen before the code was given is worth nothing after. Keeps the absolute expiry of the sign-in.
 */
async function upgradeSession(deps: TotpDeps, r: Repos, old: Session): Promise<UpgradedSession> {
  const now = deps.clock.now().toISOString();
  const token = deps.tokens.newToken();
  const session: Session = {
    id: deps.ids.next(),
    userId: old.userId,
    csrfToken: deps.tokens.newToken(),
    createdAt: old.createdAt,
    expiresAt: old.expiresAt,
    lastSeenAt: now,
    revokedAt: null,
    assurance: 'totp',
  };
  await r.sessions.revoke(old.id, now);
  await r.sessions.insert({ ...session, tokenHash: deps.tokens.hashToken(token) });
  return { token, csrfToken: session.csrfToken, expiresAt: session.expiresAt, secondFactor: 'verified' };
}

/**
 * Counts a wrong code like a wrong password (the same consecutive-failure lockout) and audits it. At the lockout
 * the acting session ends too: whoever is guessing has to start again from the password after the lock.
 */
async function recordWrongCode(deps: TotpDeps, r: Repos, actor: UserActor, action: string, reason: string): Promise<void> {
  const user = await r.users.findCredentialsById(actor.userId);
  const now = deps.clock.now();
  if (user) {
    const next = afterFailedPassword(user, now, deps.auth);
    await r.users.recordLoginFailure(user.id, next.failedLogins, next.lockedUntil);
    if (next.lockedUntil) {
      await r.sessions.revoke(actor.sessionId, now.toISOString());
      await r.audit.append(actor, { action: 'auth.lockout', recordType: 'user', recordId: user.id, outcome: 'denied' });
    }
  }
  await r.audit.append(actor, { action, recordType: 'user', recordId: actor.userId, outcome: 'denied', details: { reason } });
}

async function isLocked(r: Repos, userId: string, now: Date): Promise<boolean> {
  const user = await r.users.findCredentialsById(userId);
  return Boolean(user?.lockedUntil && Date.parse(user.lockedUntil) > now.getTime());
}

/**
 * Starts (or restarts) TOTP enrolment: a new 160-bit secret, returned once as base32 and as an otpauth:// URI for
 * a QR code. Nothing changes for signing in until `confirmTotpEnrolment` receives a code made from it.
 */
export async function startTotpEnrolment(
  deps: Pick<Deps, 'uow'>,
  actor: UserActor,
): Promise<Result<{ secret: string; otpauthUri: string }, ErrorCode>> {
  return deps.uow.write(async (r) => {
    const user = await r.users.findById(actor.userId);
    const totp = await r.users.findTotp(actor.userId);
    if (!user || !totp) return err('auth.unauthenticated');
    if (totp.enabledAt) return err('auth.totp_already_enabled');
    const secret = newTotpSecret();
    await r.users.setTotpPending(actor.userId, secret);
    await r.audit.append(actor, { action: 'auth.totp_enrol_start', recordType: 'user', recordId: actor.userId });
    return ok({ secret, otpauthUri: otpauthUri(user.username, secret) });
  });
}

/**
 * Turns TOTP on once the user sends a code made from the pending secret (proof that their app holds it), and
 * upgrades this session, which has just given a code. A wrong code is audited; it does not count towards the
 * lockout, since the secret protects nothing yet and the caller holds it anyway.
 */
export async function confirmTotpEnrolment(deps: TotpDeps, actor: UserActor, code: string): Promise<Result<UpgradedSession, ErrorCode>> {
  return writeKeepingRefusals(deps.uow, async (r) => {
    const totp = await r.users.findTotp(actor.userId);
    const session = await r.sessions.findById(actor.sessionId);
    if (!totp || !session) return err('auth.unauthenticated');
    if (totp.enabledAt) return err('auth.totp_already_enabled');
    const key = totp.secret ? decodeBase32(totp.secret) : undefined;
    if (!key) return err('auth.totp_enrolment_not_started');
    const now = deps.clock.now();
    const match = matchTotp(key, code, now, null);
    if (!match.ok) {
      await r.audit.append(actor, { action: 'auth.totp_enrol_confirm', recordType: 'user', recordId: actor.userId, outcome: 'denied', details: { reason: match.reason } });
      return err('auth.totp_invalid');
    }
    await r.users.enableTotp(actor.userId, now.toISOString(), match.step);
    const upgraded = await upgradeSession(deps, r, session);
    await r.audit.append(actor, { action: 'auth.totp_enrol_confirm', recordType: 'user', recordId: actor.userId });
    return ok(upgraded);
  });
}

/**
 * The second step of signing in: a code from the user's app turns a password-only session into a full one (as a
 * new session, see `upgradeSession`). Refuses replays of a step already used, counts wrong codes towards the
 * lockout, and refuses every code while the account is locked.
 */
export async function verifySecondFactor(deps: TotpDeps, actor: UserActor, code: string): Promise<Result<UpgradedSession, ErrorCode>> {
  return writeKeepingRefusals(deps.uow, async (r) => {
    const totp = await r.users.findTotp(actor.userId);
    const session = await r.sessions.findById(actor.sessionId);
    if (!totp || !session) return err('auth.unauthenticated');
    const key = totp.enabledAt && totp.secret ? decodeBase32(totp.secret) : undefined;
    if (!key || session.assurance === 'totp') return err('auth.second_factor_not_pending');
    const now = deps.clock.now();
    if (await isLocked(r, actor.userId, now)) {
      await r.audit.append(actor, { action: 'auth.totp_verify', recordType: 'user', recordId: actor.userId, outcome: 'denied', details: { reason: 'locked' } });
      return err('auth.totp_invalid');
    }
    const match = matchTotp(key, code, now, totp.lastStep);
    // The conditional update settles a race between two requests with the same fresh code: one of them wins.
    const reason = !match.ok ? match.reason : (await r.users.consumeTotpStep(actor.userId, match.step)) ? null : 'replayed';
    if (reason) {
      await recordWrongCode(deps, r, actor, 'auth.totp_verify', reason);
      return err('auth.totp_invalid');
    }
    await r.users.recordLoginSuccess(actor.userId);
    const upgraded = await upgradeSession(deps, r, session);
    await r.audit.append(actor, { action: 'auth.totp_verify', recordType: 'session', recordId: actor.sessionId });
    return ok(upgraded);
  });
}

/**
 * Turns TOTP off, with a current code (a session left open on a shared computer is not enough). Refused to users
 * whose role or organisation requires it.
 */
export async function disableSecondFactor(deps: TotpDeps, actor: UserActor, code: string): Promise<Result<void, ErrorCode>> {
  return writeKeepingRefusals(deps.uow, async (r) => {
    const totp = await r.users.findTotp(actor.userId);
    const key = totp?.enabledAt && totp.secret ? decodeBase32(totp.secret) : undefined;
    if (!totp || !key) return err('auth.totp_not_enabled');
    if (isSecondFactorRequired(actor, actor.organisationType, deps.auth.totpRequirement)) return err('auth.second_factor_mandatory');
    const now = deps.clock.now();
    if (await isLocked(r, actor.userId, now)) {
      await r.audit.append(actor, { action: 'auth.totp_disable', recordType: 'user', recordId: actor.userId, outcome: 'denied', details: { reason: 'locked' } });
      return err('auth.totp_invalid');
    }
    const match = matchTotp(key, code, now, totp.lastStep);
    if (!match.ok) {
      await recordWrongCode(deps, r, actor, 'auth.totp_disable', match.reason);
      return err('auth.totp_invalid');
    }
    await r.users.clearTotp(actor.userId);
    await r.audit.append(actor, { action: 'auth.totp_disable', recordType: 'user', recordId: actor.userId });
    return ok(undefined);
  });
}

/**
 * Gives a demo account a known TOTP secret, enabled at once, so the demo can show the two-step sign-in without a
 * phone. Only the console operator, only for accounts created as demo accounts.
 */
export async function provisionDemoSecondFactor(
  deps: Pick<Deps, 'uow' | 'clock'>,
  actor: SystemActor,
  userId: string,
  secret: string,
): Promise<Result<void, ErrorCode>> {
  if (!decodeBase32(secret)) return err('request.invalid');
  return deps.uow.write(async (r) => {
    const user = await r.users.findById(userId);
    if (!user) return err('user.not_found');
    if (!user.isDemo) return err('auth.forbidden');
    await r.users.setTotpPending(userId, secret);
    await r.users.enableTotp(userId, deps.clock.now().toISOString(), null);
    await r.audit.append(actor, { action: 'auth.totp_enrol_confirm', recordType: 'user', recordId: userId, details: { demo: true } });
    return ok(undefined);
  });
}
