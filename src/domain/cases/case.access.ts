import type { Actor } from '../actor.js';
import { grantedAccess } from '../grants/grant.rules.js';
import { mayOnRecord } from '../policy/access.js';
import { caseEntity, personEntity, type ActionName, type EntityRef } from '../policy/policy.model.js';
import type { PolicyEngine, Repos } from '../ports.js';
import type { Person } from '../persons/person.schema.js';
import type { Case } from './case.schema.js';

/** What a record-level question needs besides the record: the policy and the time grants are judged at. */
export interface AccessContext {
  readonly policy: PolicyEngine;
  readonly now: string;
}

/**
 * Loads what the policy needs to know about a case or a person (holder organisation, assignees, valid grants) and
 * asks it. Shared by every command on cases, notes, grants and people, so that each record-level question is
 * asked the same way.
 */
export async function mayOnCase(r: Repos, ctx: AccessContext, actor: Actor, action: ActionName, c: Case, context?: Record<string, string | EntityRef>): Promise<boolean> {
  const holder = await r.organisations.findById(c.organisationId);
  if (!holder) return false;
  const access = grantedAccess(await r.grants.listForCase(c.id), ctx.now);
  const sharedWith = await r.cases.sharesOf(c.id);
  return mayOnRecord(ctx.policy, actor, action, caseEntity({ ...c, sharedWith }, holder.type, access), context);
}

export async function mayOnPerson(r: Repos, ctx: AccessContext, actor: Actor, action: ActionName, p: Person): Promise<boolean> {
  const holder = await r.organisations.findById(p.organisationId);
  if (!holder) return false;
  const access = grantedAccess(await r.grants.listForPerson(p.id), ctx.now);
  return mayOnRecord(ctx.policy, actor, action, personEntity(p, holder.type, await r.persons.assigneesOf(p.id), access));
}

/**
 * A stand-in for a record that does not exist, held by the asker's own organisation: asking the policy about it
 * does the same lookups and decision as for a real record, so that "not found" takes as long as "forbidden".
 */
export function absentCase(id: string, actor: Actor): Case {
  const at = '1970-01-01T00:00:00.000Z';
  const organisationId = actor.kind === 'user' ? actor.organisationId : '';
  return { id, organisationId, personId: id, status: 'open', assignedUserId: null, openedAt: at, closedAt: null, createdAt: at, updatedAt: at, version: 0 };
}

export function absentPerson(id: string, actor: Actor): Person {
  const at = '1970-01-01T00:00:00.000Z';
  const organisationId = actor.kind === 'user' ? actor.organisationId : '';
  return { id, organisationId, givenName: '', familyName: null, sex: 'unknown', dateOfBirth: null, isDateOfBirthEstimated: false, nationality: null, preferredLanguage: null, registeredBy: null, createdAt: at, updatedAt: at, version: 0 };
}

/** The audit outcome of a record-level read: found and allowed, found and denied, or not there at all. */
export function readOutcome(isFound: boolean, isAllowed: boolean): { outcome: 'success' | 'denied' | 'failure'; details?: { reason: string } } {
  if (!isFound) return { outcome: 'failure', details: { reason: 'not_found' } };
  return isAllowed ? { outcome: 'success' } : { outcome: 'denied' };
}

export function accessContext(deps: { policy: PolicyEngine; clock: { now(): Date } }): AccessContext {
  return { policy: deps.policy, now: deps.clock.now().toISOString() };
}
