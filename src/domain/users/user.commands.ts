import type { Actor } from '../actor.js';
import { findPasswordWeakness } from '../auth/auth.commands.js';
import type { Page } from '../common.schema.js';
import { canManageUsersOf, userListScope } from '../policy/interim.policy.js';
import type { Deps } from '../ports.js';
import type { User, UserCreateInput, UserListQuery } from './user.schema.js';
import { err, errWith, ok, type Result } from '../../shared/result.js';
import type { ErrorCode } from '../../shared/errors.js';

/**
 * Creates a user in an organisation. The password must pass the password policy (password.rules.ts) and is hashed
 * (argon2id) before the transaction opens.
 */
export async function createUser(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids' | 'passwords' | 'commonPasswords'>,
  actor: Actor,
  input: UserCreateInput,
  options: { isDemo?: boolean } = {},
): Promise<Result<User, ErrorCode>> {
  if (!canManageUsersOf(actor, input.organisationId)) return err('auth.forbidden');
  if (!canManageUsersOf(actor, input.organisationId, input.role)) return err('user.role_not_allowed');
  const weakness = await findPasswordWeakness(deps, input.password, input.username);
  if (weakness) return errWith('auth.password_too_weak', [{ field: 'password', reason: weakness }]);
  const passwordHash = await deps.passwords.hash(input.password);
  return deps.uow.write(async (r) => {
    if (!(await r.organisations.findById(input.organisationId))) return err('organisation.not_found');
    if (await r.users.findCredentials(input.username)) return err('user.username_taken');
    const user: User = {
      id: deps.ids.next(),
      organisationId: input.organisationId,
      username: input.username,
      displayName: input.displayName,
      role: input.role,
      isDisabled: false,
      isDemo: options.isDemo ?? false,
      createdAt: deps.clock.now().toISOString(),
    };
    await r.users.insert({ ...user, passwordHash });
    await r.audit.append(actor, {
      action: 'user.create',
      recordType: 'user',
      recordId: user.id,
      details: { organisationId: user.organisationId, role: user.role },
    });
    return ok(user);
  });
}

export async function listUsers(
  deps: Pick<Deps, 'uow'>,
  actor: Actor,
  query: UserListQuery,
): Promise<Result<Page<User>, ErrorCode>> {
  const scope = userListScope(actor);
  if (!scope) return err('auth.forbidden');
  if (scope.organisationId && query.organisationId && query.organisationId !== scope.organisationId) {
    return ok({ items: [], nextCursor: null });
  }
  const organisationId = scope.organisationId ?? query.organisationId;
  return ok(await deps.uow.read((r) => r.users.list({ organisationId, limit: query.limit, cursor: query.cursor })));
}

/** Disables a user and ends every session of theirs. Idempotent. */
export async function disableUser(
  deps: Pick<Deps, 'uow' | 'clock'>,
  actor: Actor,
  userId: string,
): Promise<Result<User, ErrorCode>> {
  return deps.uow.write(async (r) => {
    const user = await r.users.findById(userId);
    if (!user || !canManageUsersOf(actor, user.organisationId, user.role)) return err('user.not_found');
    const now = deps.clock.now().toISOString();
    await r.users.setDisabled(user.id, true);
    await r.sessions.revokeAllForUser(user.id, now);
    await r.audit.append(actor, { action: 'user.disable', recordType: 'user', recordId: user.id });
    return ok({ ...user, isDisabled: true });
  });
}
