import type { Actor } from '../actor.js';
import type { Page } from '../common.schema.js';
import { canAccessCaseRecord, caseListScope } from '../policy/interim.policy.js';
import type { Deps } from '../ports.js';
import { applyPersonPatch, changedFields, newPerson, normaliseName } from './person.rules.js';
import type { Person, PersonInput, PersonListQuery, PersonPatch } from './person.schema.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { ErrorCode } from '../../shared/errors.js';

type PersonDeps = Pick<Deps, 'uow' | 'clock' | 'ids'>;

/** Registers a person in the actor's organisation. */
export async function registerPerson(deps: PersonDeps, actor: Actor, input: PersonInput): Promise<Result<Person, ErrorCode>> {
  const scope = caseListScope(actor);
  if (!scope) return err('auth.forbidden');
  return deps.uow.write(async (r) => {
    const person = newPerson(input, { id: deps.ids.next(), organisationId: scope.organisationId, now: deps.clock.now().toISOString() });
    await r.persons.insert(person);
    await r.audit.append(actor, { action: 'person.create', recordType: 'person', recordId: person.id });
    return ok(person);
  });
}

/** Reads a person. Not found and not allowed are the same answer. The read is audited with its purpose. */
export async function getPerson(deps: Pick<Deps, 'uow'>, actor: Actor, id: string): Promise<Result<Person, ErrorCode>> {
  return deps.uow.write(async (r) => {
    const person = await r.persons.findById(id);
    if (!person || !canAccessCaseRecord(actor, person.organisationId)) return err('person.not_found');
    await r.audit.append(actor, { action: 'person.read', recordType: 'person', recordId: person.id });
    return ok(person);
  });
}

/** Changes identity fields. `expectedVersion`, when given, guards against overwriting someone else's change. */
export async function updatePerson(
  deps: Pick<Deps, 'uow' | 'clock'>,
  actor: Actor,
  id: string,
  patch: PersonPatch,
): Promise<Result<Person, ErrorCode>> {
  return deps.uow.write(async (r) => {
    const current = await r.persons.findById(id);
    if (!current || !canAccessCaseRecord(actor, current.organisationId)) return err('person.not_found');
    const expected = patch.expectedVersion ?? current.version;
    if (expected !== current.version) return err('person.version_conflict');
    const next = applyPersonPatch(current, patch, deps.clock.now().toISOString());
    if (!(await r.persons.update(next, expected))) return err('person.version_conflict');
    await r.audit.append(actor, {
      action: 'person.update',
      recordType: 'person',
      recordId: id,
      details: { fields: changedFields(patch) },
    });
    return ok(next);
  });
}

/** Lists or searches (by part of the name) the people of the actor's organisation. Audited with the ids shown. */
export async function listPersons(
  deps: Pick<Deps, 'uow'>,
  actor: Actor,
  query: PersonListQuery,
): Promise<Result<Page<Person>, ErrorCode>> {
  const scope = caseListScope(actor);
  if (!scope) return err('auth.forbidden');
  return deps.uow.write(async (r) => {
    const page = await r.persons.list({
      organisationId: scope.organisationId,
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
