import type { Actor } from '../actor.js';
import type { Case } from '../cases/case.schema.js';
import { sectorOf, type OrganisationType } from '../orgs/org.schema.js';
import type { Person } from '../persons/person.schema.js';
import type { Role } from '../users/user.schema.js';
import { NO_GRANTS, type GrantedAccess } from '../grants/grant.rules.js';

/**
 * The vocabulary of the firewall policy (policy/opennrm.cedarschema), as plain data. Commands describe who asks
 * for what on which record with these builders; the policy engine (a port) decides. Nothing here decides.
 */
export type ActionName =
  | 'organisation.create'
  | 'organisation.read'
  | 'organisation.list'
  | 'audit.read'
  | 'user.create'
  | 'user.list'
  | 'user.disable'
  | 'user.update'
  | 'user.revoke_sessions'
  | 'user.reset_second_factor'
  | 'person.create'
  | 'person.read'
  | 'person.update'
  | 'person.list'
  | 'case.create'
  | 'case.read'
  | 'case.update'
  | 'case.list'
  | 'case.note.create'
  | 'case.note.read'
  | 'case.grant.consent'
  | 'case.grant.legal_order'
  | 'case.grant.revoke'
  | 'case.grant.list'
  | 'case.break_glass.request'
  | 'case.break_glass.approve'
  | 'break_glass.review'
  | 'anonymous_report.create'
  | 'anonymous_report.list'
  | 'person.erase'
  | 'retention.run'
  | 'organisation.update';

export type EntityType = 'User' | 'Operator' | 'Deployment' | 'Organisation' | 'Person' | 'Case';

export interface EntityRef {
  readonly type: EntityType;
  readonly id: string;
}

export type AttrValue = string | number | boolean | EntityRef | readonly EntityRef[];

export interface PolicyEntity {
  readonly ref: EntityRef;
  readonly attrs: Readonly<Record<string, AttrValue>>;
}

/** One access question: may `principal` do `action` on `resource`? `entities` carry every attribute the policy reads. */
export interface AccessRequest {
  readonly principal: EntityRef;
  readonly action: ActionName;
  readonly resource: EntityRef;
  readonly context?: Readonly<Record<string, string | EntityRef>>;
  readonly entities: readonly PolicyEntity[];
}

/** The same question about every resource of a type at once, for list filters. */
export interface ScopeRequest {
  readonly principal: EntityRef;
  readonly action: ActionName;
  readonly resourceType: EntityType;
  readonly entities: readonly PolicyEntity[];
}

export const DEPLOYMENT: EntityRef = { type: 'Deployment', id: 'this' };

export function organisationEntity(org: { id: string; type: OrganisationType }): PolicyEntity {
  return { ref: { type: 'Organisation', id: org.id }, attrs: { sector: sectorOf(org.type), kind: org.type } };
}

/** The principal for an actor, with the entities the policy needs about it. Anonymous callers have none. */
export function principalOf(actor: Actor): { ref: EntityRef; entities: PolicyEntity[] } | null {
  if (actor.kind === 'system') return { ref: { type: 'Operator', id: actor.name }, entities: [{ ref: { type: 'Operator', id: actor.name }, attrs: {} }] };
  if (actor.kind !== 'user') return null;
  const org = organisationEntity({ id: actor.organisationId, type: actor.organisationType });
  const user: PolicyEntity = {
    ref: { type: 'User', id: actor.userId },
    attrs: { organisation: org.ref, role: actor.role, sector: sectorOf(actor.organisationType) },
  };
  return { ref: user.ref, entities: [user, org] };
}

export function userEntity(user: { id: string; role: Role }, org: { id: string; type: OrganisationType }): PolicyEntity[] {
  const o = organisationEntity(org);
  return [{ ref: { type: 'User', id: user.id }, attrs: { organisation: o.ref, role: user.role, sector: sectorOf(org.type) } }, o];
}

const orgRefs = (ids: readonly string[]): EntityRef[] => ids.map((id) => ({ type: 'Organisation', id }));
const userRefs = (ids: readonly string[]): EntityRef[] => ids.map((id) => ({ type: 'User', id }));

export function caseEntity(
  c: Pick<Case, 'id' | 'organisationId' | 'assignedUserId'> & { readonly sharedWith?: readonly string[] },
  holderType: OrganisationType,
  access: GrantedAccess = NO_GRANTS,
): PolicyEntity[] {
  const org = organisationEntity({ id: c.organisationId, type: holderType });
  const attrs: Record<string, AttrValue> = {
    organisation: org.ref,
    sector: sectorOf(holderType),
    grantees: orgRefs(access.grantees),
    noteGrantees: orgRefs(access.noteGrantees),
    breakGlassUsers: userRefs(access.breakGlassUsers),
    sharedWith: userRefs(c.sharedWith ?? []),
  };
  if (c.assignedUserId) attrs.assignee = { type: 'User', id: c.assignedUserId };
  return [{ ref: { type: 'Case', id: c.id }, attrs }, org];
}

export function personEntity(
  p: Pick<Person, 'id' | 'organisationId' | 'registeredBy'>,
  holderType: OrganisationType,
  assigneeIds: readonly string[],
  access: GrantedAccess = NO_GRANTS,
): PolicyEntity[] {
  const org = organisationEntity({ id: p.organisationId, type: holderType });
  const attrs: Record<string, AttrValue> = {
    organisation: org.ref,
    sector: sectorOf(holderType),
    assignees: userRefs(assigneeIds),
    grantees: orgRefs(access.identityGrantees),
    breakGlassUsers: userRefs(access.breakGlassUsers),
  };
  if (p.registeredBy) attrs.registeredBy = { type: 'User', id: p.registeredBy };
  return [{ ref: { type: 'Person', id: p.id }, attrs }, org];
}
