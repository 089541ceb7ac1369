import type { Actor } from '../actor.js';
import type { Page } from '../common.schema.js';
import { canManageOrganisations, canReadOrganisation } from '../policy/interim.policy.js';
import type { Deps } from '../ports.js';
import { sectorOf, type Organisation, type OrganisationCreateInput } from './org.schema.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { ErrorCode } from '../../shared/errors.js';

type OrgDeps = Pick<Deps, 'uow' | 'clock' | 'ids'>;

/** Creates an organisation. System administrators and the console operator only. */
export async function createOrganisation(
  deps: OrgDeps,
  actor: Actor,
  input: OrganisationCreateInput,
  options: { isDemo?: boolean } = {},
): Promise<Result<Organisation, ErrorCode>> {
  if (!canManageOrganisations(actor)) return err('auth.forbidden');
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

/** Lists organisations: all of them for system administrators, one's own for everybody else. */
export async function listOrganisations(
  deps: Pick<Deps, 'uow'>,
  actor: Actor,
  page: { limit: number; cursor?: string | undefined },
): Promise<Result<Page<Organisation>, ErrorCode>> {
  if (canManageOrganisations(actor)) return ok(await deps.uow.read((r) => r.organisations.list(page)));
  if (actor.kind !== 'user') return err('auth.forbidden');
  const own = await deps.uow.read((r) => r.organisations.findById(actor.organisationId));
  return ok({ items: own && !page.cursor ? [own] : [], nextCursor: null });
}

export async function getOrganisation(
  deps: Pick<Deps, 'uow'>,
  actor: Actor,
  id: string,
): Promise<Result<Organisation, ErrorCode>> {
  if (!canReadOrganisation(actor, id)) return err('organisation.not_found');
  const org = await deps.uow.read((r) => r.organisations.findById(id));
  return org ? ok(org) : err('organisation.not_found');
}
