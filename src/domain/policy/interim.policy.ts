import type { Actor, UserActor } from '../actor.js';
import type { Role } from '../users/user.schema.js';

/**
 * The interim access rules of the foundation: people and cases are reachable by caseworkers and supervisors of
 * the organisation that holds them, nothing else. TODO(#3): replace with the declarative firewall policy; every
 * caller goes through these functions, so that swap happens here and in the list scope below only.
 */
const CASE_ROLES: ReadonlySet<Role> = new Set(['caseworker', 'supervisor']);

export function canWorkOnCases(actor: Actor): actor is UserActor {
  return actor.kind === 'user' && CASE_ROLES.has(actor.role);
}

/** Record-level decision for a person or case held by `organisationId`. */
export function canAccessCaseRecord(actor: Actor, organisationId: string): actor is UserActor {
  return canWorkOnCases(actor) && actor.organisationId === organisationId;
}

/** The SQL scope for list and search queries: the same rule as the record-level decision, as a filter. */
export function caseListScope(actor: Actor): { readonly organisationId: string } | null {
  return canWorkOnCases(actor) ? { organisationId: actor.organisationId } : null;
}

/** A user a case can be assigned to: active, same organisation, a case role. */
export function isAssignable(user: { organisationId: string; role: Role; isDisabled: boolean }, organisationId: string): boolean {
  return !user.isDisabled && user.organisationId === organisationId && CASE_ROLES.has(user.role);
}

export function canManageOrganisations(actor: Actor): boolean {
  return actor.kind === 'system' || (actor.kind === 'user' && actor.role === 'system_admin');
}

export function canReadOrganisation(actor: Actor, organisationId: string): boolean {
  return canManageOrganisations(actor) || (actor.kind === 'user' && actor.organisationId === organisationId);
}

/** System admins manage every organisation's users; organisation admins their own, and cannot mint system admins. */
export function canManageUsersOf(actor: Actor, organisationId: string, role?: Role): boolean {
  if (actor.kind === 'system') return true;
  if (actor.kind !== 'user') return false;
  if (actor.role === 'system_admin') return true;
  return actor.role === 'org_admin' && actor.organisationId === organisationId && role !== 'system_admin';
}

/** Organisations whose users `actor` may list: all (undefined) or one. */
export function userListScope(actor: Actor): { readonly organisationId?: string } | null {
  if (actor.kind === 'system' || (actor.kind === 'user' && actor.role === 'system_admin')) return {};
  if (actor.kind === 'user' && actor.role === 'org_admin') return { organisationId: actor.organisationId };
  return null;
}
