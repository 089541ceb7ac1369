import type { Actor } from '../actor.js';
import { mayOnRecord } from '../policy/access.js';
import { caseEntity, personEntity, type ActionName } from '../policy/policy.model.js';
import type { PolicyEngine, Repos } from '../ports.js';
import type { Person } from '../persons/person.schema.js';
import type { Case } from './case.schema.js';

/**
 * Loads what the policy needs to know about a case or a person (holder organisation, assignees) and asks it.
 * Shared by the case, note and person commands so that every record-level question is asked the same way.
 */
export async function mayOnCase(r: Repos, policy: PolicyEngine, actor: Actor, action: ActionName, c: Case): Promise<boolean> {
  const holder = await r.organisations.findById(c.organisationId);
  return holder !== undefined && mayOnRecord(policy, actor, action, caseEntity(c, holder.type));
}

export async function mayOnPerson(r: Repos, policy: PolicyEngine, actor: Actor, action: ActionName, p: Person): Promise<boolean> {
  const holder = await r.organisations.findById(p.organisationId);
  if (!holder) return false;
  return mayOnRecord(policy, actor, action, personEntity(p, holder.type, await r.persons.assigneesOf(p.id)));
}

/** The audit outcome of a record-level read: found and allowed, found and denied, or not there at all. */
export function readOutcome(isFound: boolean, isAllowed: boolean): { outcome: 'success' | 'denied' | 'failure'; details?: { reason: string } } {
  if (!isFound) return { outcome: 'failure', details: { reason: 'not_found' } };
  return isAllowed ? { outcome: 'success' } : { outcome: 'denied' };
}
