import type { Actor } from '../actor.js';
import { findPasswordWeakness } from '../auth/auth.commands.js';
import type { Page } from '../common.schema.js';
import { mayInOrganisation, mayOnRecord, scopeFor } from '../policy/access.js';
import { userEntity } from '../policy/policy.model.js';
import { isDenyAll } from '../policy/scope.js';
import type { Deps } from '../ports.js';
import type { User, UserCreateInput, UserListQuery } from './user.schema.js';
import { err, errWith, ok, type Result } from '../../shared/result.js';
import type { ErrorCode } from '../../shared/errors.js';

/**
 * Creates a user in an organisation. The password must pass the password policy (password.rules.ts) and is hashed
 * (argon2id) before the transaction opens.
 */
export async function createUser(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids' | 'passwords' | 'commonPasswords' | 'policy'>,
  actor: Actor,
  input: UserCreateInput,
  options: { isDemo?: boolean } = {},
): Promise<Result<User, ErrorCode>> {
  const org = await deps.uow.read((r) => r.organisations.findById(input.organisationId));
  if (!org) return err('organisation.not_found');
  if (!mayInOrganisation(deps.policy, actor, 'user.create', org, { role: input.role })) {
    // Tell an administrator who may create users here that it is the role that is refused.
    const mayCreateSome = mayInOrganisation(deps.policy, actor, 'user.create', org, { role: 'caseworker' });
    return err(mayCreateSome ? 'user.role_not_allowed' : 'auth.forbidden');
  }
  const weakness = await findPasswordWeakness(deps, input.password, input.username);
  if (weakness) return errWith('auth.password_too_weak', [{ field: 'password', reason: weakness }]);
  const passwordHash = await deps.passwords.hash(input.password);
  return deps.uow.write(async (r) => {
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
    await r.audit.append(actor, { action: 'user.create', recordType: 'user', recordId: user.id, details: { organisationId: user.organisationId, role: user.role } });
    return ok(user);
  });
}

/** Lists the users of the organisations the policy lets the actor manage. */
export async function listUsers(
  deps: Pick<Deps, 'uow' | 'policy'>,
  actor: Actor,
  query: UserListQuery,
): Promise<Result<Page<User>, ErrorCode>> {
  const scope = scopeFor(deps.policy, actor, 'user.list', 'Organisation');
  if (isDenyAll(scope)) return err('auth.forbidden');
  return ok(await deps.uow.read((r) => r.users.list({ scope, organisationId: query.organisationId, limit: query.limit, cursor: query.cursor })));
}

/** Disables a user and ends every session of theirs. Idempotent. */
export async function disableUser(
  deps: Pick<Deps, 'uow' | 'clock' | 'policy'>,
  actor: Actor,
  userId: string,
): Promise<Result<User, ErrorCode>> {
  return deps.uow.write(async (r) => {
    const user = await r.users.findById(userId);
    const org = user && (await r.organisations.findById(user.organisationId));
    if (!user || !org || !mayOnRecord(deps.policy, actor, 'user.disable', userEntity(user, org))) return err('user.not_found');
    const now = deps.clock.now().toISOString();
    await r.users.setDisabled(user.id, true);
    await r.sessions.revokeAllForUser(user.id, now);
    await r.audit.append(actor, { action: 'user.disable', recordType: 'user', recordId: user.id });
    return ok({ ...user, isDisabled: true });
  });
}
