import type { Actor } from '../actor.js';
import type { Page } from '../common.schema.js';
import { mayOnDeployment, mayOnRecord, scopeFor } from '../policy/access.js';
import { organisationEntity } from '../policy/policy.model.js';
import { isDenyAll } from '../policy/scope.js';
import type { Deps } from '../ports.js';
import { sectorOf, type Organisation, type OrganisationCreateInput } from './org.schema.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { ErrorCode } from '../../shared/errors.js';

/** Creates an organisation (the policy allows system administrators and the console operator). */
export async function createOrganisation(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids' | 'policy'>,
  actor: Actor,
  input: OrganisationCreateInput,
  options: { isDemo?: boolean } = {},
): Promise<Result<Organisation, ErrorCode>> {
  if (!mayOnDeployment(deps.policy, actor, 'organisation.create')) return err('auth.forbidden');
  return deps.uow.write(async (r) => {
    if (await r.organisations.findByName(input.name)) return err('organisation.name_taken');
    const org: Organisation = {
      id: deps.ids.next(),
      name: input.name,
      type: input.type,
      sector: sectorOf(input.type),
      country: input.country ?? null,
      isDemo: options.isDemo ?? false,
      createdAt: deps.clock.now().toISOString(),
    };
    await r.organisations.insert(org);
    await r.audit.append(actor, { action: 'organisation.create', recordType: 'organisation', recordId: org.id });
    return ok(org);
  });
}

/** Lists the organisations the policy lets the actor see. */
export async function listOrganisations(
  deps: Pick<Deps, 'uow' | 'policy'>,
  actor: Actor,
  page: { limit: number; cursor?: string | undefined },
): Promise<Result<Page<Organisation>, ErrorCode>> {
  const scope = scopeFor(deps.policy, actor, 'organisation.list', 'Organisation');
  if (isDenyAll(scope)) return err('auth.forbidden');
  return ok(await deps.uow.read((r) => r.organisations.list({ scope, ...page })));
}

export async function getOrganisation(
  deps: Pick<Deps, 'uow' | 'policy'>,
  actor: Actor,
  id: string,
): Promise<Result<Organisation, ErrorCode>> {
  const org = await deps.uow.read((r) => r.organisations.findById(id));
  if (!org || !mayOnRecord(deps.policy, actor, 'organisation.read', [organisationEntity(org)])) return err('organisation.not_found');
  return ok(org);
}
