import type { Actor } from '../actor.js';
import type { Page } from '../common.schema.js';
import { absentPerson, accessContext, mayOnPerson, readOutcome } from '../cases/case.access.js';
import { mayInOrganisation, scopeFor } from '../policy/access.js';
import { isDenyAll } from '../policy/scope.js';
import type { Deps } from '../ports.js';
import { applyPersonPatch, changedFields, newPerson, normaliseName } from './person.rules.js';
import type { Person, PersonInput, PersonListQuery, PersonPatch } from './person.schema.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { ErrorCode } from '../../shared/errors.js';

/** Registers a person in the actor's organisation. */
export async function registerPerson(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids' | 'policy'>,
  actor: Actor,
  input: PersonInput,
): Promise<Result<Person, ErrorCode>> {
  if (actor.kind !== 'user') return err('auth.forbidden');
  const org = { id: actor.organisationId, type: actor.organisationType };
  if (!mayInOrganisation(deps.policy, actor, 'person.create', org)) return err('auth.forbidden');
  return deps.uow.write(async (r) => {
    const person = newPerson(input, { id: deps.ids.next(), organisationId: org.id, registeredBy: actor.userId, now: deps.clock.now().toISOString() });
    await r.persons.insert(person);
    await r.audit.append(actor, { action: 'person.create', recordType: 'person', recordId: person.id });
    return ok(person);
  });
}

/** Reads a person. Missing and not allowed are the same answer; the audit trail records which, with the purpose. */
export async function getPerson(deps: Pick<Deps, 'uow' | 'clock' | 'policy'>, actor: Actor, id: string): Promise<Result<Person, ErrorCode>> {
  const result = await deps.uow.write(async (r) => {
    const person = await r.persons.findById(id);
    const isAllowed = (await mayOnPerson(r, accessContext(deps), actor, 'person.read', person ?? absentPerson(id, actor))) && person !== undefined;
    await r.audit.append(actor, { action: 'person.read', recordType: 'person', recordId: id, ...readOutcome(person !== undefined, isAllowed) });
    return ok(isAllowed ? person : undefined);
  });
  return result.ok && result.value ? ok(result.value) : err('person.not_found');
}

/** Changes identity fields. `expectedVersion`, when given, guards against overwriting someone else's change. */
export async function updatePerson(
  deps: Pick<Deps, 'uow' | 'clock' | 'policy'>,
  actor: Actor,
  id: string,
  patch: PersonPatch,
): Promise<Result<Person, ErrorCode>> {
  return deps.uow.write(async (r) => {
    const current = await r.persons.findById(id);
    if (!current || !(await mayOnPerson(r, accessContext(deps), actor, 'person.update', current))) return err('person.not_found');
    const expected = patch.expectedVersion ?? current.version;
    if (expected !== current.version) return err('person.version_conflict');
    const next = applyPersonPatch(current, patch, deps.clock.now().toISOString());
    if (!(await r.persons.update(next, expected))) return err('person.version_conflict');
    await r.audit.append(actor, { action: 'person.update', recordType: 'person', recordId: id, details: { fields: changedFields(patch) } });
    return ok(next);
  });
}

/** Lists or searches (by whole name words) the people the policy lets the actor see. Audited with the ids shown. */
export async function listPersons(
  deps: Pick<Deps, 'uow' | 'clock' | 'policy'>,
  actor: Actor,
  query: PersonListQuery,
): Promise<Result<Page<Person>, ErrorCode>> {
  const scope = scopeFor(deps.policy, actor, 'person.list', 'Person');
  if (isDenyAll(scope)) return err('auth.forbidden');
  return deps.uow.write(async (r) => {
    const page = await r.persons.list({
      scope,
      now: deps.clock.now().toISOString(),
      nameQuery: query.q === undefined ? undefined : normaliseName(query.q),
      limit: query.limit,
      cursor: query.cursor,
    });
    await r.audit.append(actor, {
      action: query.q === undefined ? 'person.list' : 'person.search',
      recordType: 'person',
      recordId: null,
      details: { ids: page.items.map((p) => p.id) },
    });
    return ok(page);
  });
}
