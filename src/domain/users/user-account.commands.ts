import type { Actor } from '../actor.js';
import { mayOnRecord } from '../policy/access.js';
import { userEntity, type ActionName } from '../policy/policy.model.js';
import type { Deps, Repos } from '../ports.js';
import type { User, UserUpdateInput } from './user.schema.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { ErrorCode } from '../../shared/errors.js';

/**
 * Asks the policy whether `actor` may do `action` to `user` (with `role` as the role the user will have). Outside
 * the actor's scope the user does not exist for them (404, as any protected record); inside it, a refusal that
 * depends on the roles involved (an organisation admin and a system admin) is a 403 `user.role_not_allowed`.
 */
async function refusalFor(
  r: Repos,
  policy: Deps['policy'],
  actor: Actor,
  action: ActionName,
  user: User,
  role: string = user.role,
): Promise<ErrorCode | null> {
  const org = await r.organisations.findById(user.organisationId);
  if (!org) return 'user.not_found';
  const context = action === 'user.update' ? { role } : undefined;
  if (mayOnRecord(policy, actor, action, userEntity(user, org), context)) return null;
  const asCaseworker = userEntity({ ...user, role: 'caseworker' }, org);
  const isInScope = mayOnRecord(policy, actor, action, asCaseworker, context ? { role: 'caseworker' } : undefined);
  return isInScope ? 'user.role_not_allowed' : 'user.not_found';
}

/**
 * Changes a user's display name and/or role, for administrators within their scope (organisation admins cannot
 * grant `system_admin`). A role change is a permission change: audited as `user.role_change` {from, to}, and it
 * ends every session of the user, who signs in again under the new role (and its second-factor rule).
 */
export async function updateUser(
  deps: Pick<Deps, 'uow' | 'clock' | 'policy'>,
  actor: Actor,
  userId: string,
  input: UserUpdateInput,
): Promise<Result<User, ErrorCode>> {
  return deps.uow.write(async (r) => {
    const user = await r.users.findById(userId);
    if (!user) return err('user.not_found');
    const refusal = await refusalFor(r, deps.policy, actor, 'user.update', user, input.role ?? user.role);
    if (refusal) return err(refusal);
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
  deps: Pick<Deps, 'uow' | 'clock' | 'policy'>,
  actor: Actor,
  userId: string,
): Promise<Result<{ revoked: number; username: string }, ErrorCode>> {
  return deps.uow.write(async (r) => {
    const user = await r.users.findById(userId);
    if (!user) return err('user.not_found');
    const refusal = await refusalFor(r, deps.policy, actor, 'user.revoke_sessions', user);
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
  deps: Pick<Deps, 'uow' | 'clock' | 'policy'>,
  actor: Actor,
  userId: string,
): Promise<Result<{ username: string; wasEnabled: boolean }, ErrorCode>> {
  return deps.uow.write(async (r) => {
    const user = await r.users.findById(userId);
    if (!user) return err('user.not_found');
    const refusal = await refusalFor(r, deps.policy, actor, 'user.reset_second_factor', user);
    if (refusal) return err(refusal);
    const wasEnabled = Boolean((await r.users.findTotp(user.id))?.enabledAt);
    await r.users.clearTotp(user.id);
    const sessionsRevoked = await r.sessions.revokeAllForUser(user.id, deps.clock.now().toISOString());
    await r.audit.append(actor, { action: 'user.totp_reset', recordType: 'user', recordId: user.id, details: { wasEnabled, sessionsRevoked } });
    return ok({ username: user.username, wasEnabled });
  });
}
