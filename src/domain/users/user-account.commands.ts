import type { Actor } from '../actor.js';
import { canManageUsersOf } from '../policy/interim.policy.js';
import type { Deps } from '../ports.js';
import type { User, UserUpdateInput } from './user.schema.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { ErrorCode } from '../../shared/errors.js';

/**
 * Whether `actor` may administer `user`: outside their scope the user does not exist for them (404, as for any
 * protected record); inside it, an organisation admin still cannot touch a system admin (403).
 */
function refusalFor(actor: Actor, user: User): ErrorCode | null {
  if (!canManageUsersOf(actor, user.organisationId)) return 'user.not_found';
  if (!canManageUsersOf(actor, user.organisationId, user.role)) return 'user.role_not_allowed';
  return null;
}

/**
 * Changes a user's display name and/or role, for administrators within their scope (organisation admins cannot
 * grant `system_admin`). A role change is a permission change: audited as `user.role_change` {from, to}, and it
 * ends every session of the user, who signs in again under the new role (and its second-factor rule).
 */
export async function updateUser(
  deps: Pick<Deps, 'uow' | 'clock'>,
  actor: Actor,
  userId: string,
  input: UserUpdateInput,
): Promise<Result<User, ErrorCode>> {
  return deps.uow.write(async (r) => {
    const user = await r.users.findById(userId);
    if (!user) return err('user.not_found');
    const refusal = refusalFor(actor, user);
    if (refusal) return err(refusal);
    if (input.role !== undefined && !canManageUsersOf(actor, user.organisationId, input.role)) return err('user.role_not_allowed');
    const role = input.role !== undefined && input.role !== user.role ? input.role : undefined;
    const displayName = input.displayName !== undefined && input.displayName !== user.displayName ? input.displayName : undefined;
    if (role === undefined && displayName === undefined) return ok(user);
    await r.users.update(user.id, { role, displayName });
    if (displayName !== undefined) {
      await r.audit.append(actor, { action: 'user.update', recordType: 'user', recordId: user.id, details: { fields: ['displayName'] } });
    }
    if (role !== undefined) {
      const sessionsRevoked = await r.sessions.revokeAllForUser(user.id, deps.clock.now().toISOString());
      await r.audit.append(actor, { action: 'user.role_change', recordType: 'user', recordId: user.id, details: { from: user.role, to: role, sessionsRevoked } });
    }
    return ok({ ...user, role: role ?? user.role, displayName: displayName ?? user.displayName });
  });
}

/** Ends every session of a user (a lost laptop, a suspicion), for administrators within their scope. Audited. */
export async function revokeUserSessions(
  deps: Pick<Deps, 'uow' | 'clock'>,
  actor: Actor,
  userId: string,
): Promise<Result<{ revoked: number; username: string }, ErrorCode>> {
  return deps.uow.write(async (r) => {
    const user = await r.users.findById(userId);
    if (!user) return err('user.not_found');
    const refusal = refusalFor(actor, user);
    if (refusal) return err(refusal);
    const revoked = await r.sessions.revokeAllForUser(user.id, deps.clock.now().toISOString());
    await r.audit.append(actor, { action: 'user.revoke_sessions', recordType: 'user', recordId: user.id, details: { revoked } });
    return ok({ revoked, username: user.username });
  });
}

/**
 * Removes a user's second factor (a lost phone) and ends their sessions; if their role or organisation requires
 * one, their next sign-in leads straight to enrolment. For administrators within their scope and the console
 * operator (the way back in for the last system admin). Audited.
 */
export async function resetUserSecondFactor(
  deps: Pick<Deps, 'uow' | 'clock'>,
  actor: Actor,
  userId: string,
): Promise<Result<{ username: string; wasEnabled: boolean }, ErrorCode>> {
  return deps.uow.write(async (r) => {
    const user = await r.users.findById(userId);
    if (!user) return err('user.not_found');
    const refusal = refusalFor(actor, user);
    if (refusal) return err(refusal);
    const wasEnabled = Boolean((await r.users.findTotp(user.id))?.enabledAt);
    await r.users.clearTotp(user.id);
    const sessionsRevoked = await r.sessions.revokeAllForUser(user.id, deps.clock.now().toISOString());
    await r.audit.append(actor, { action: 'user.totp_reset', recordType: 'user', recordId: user.id, details: { wasEnabled, sessionsRevoked } });
    return ok({ username: user.username, wasEnabled });
  });
}
