import type { Actor } from '../actor.js';
import type { Page } from '../common.schema.js';
import { canAccessCaseRecord, caseListScope, isAssignable } from '../policy/interim.policy.js';
import type { Deps, Repos } from '../ports.js';
import { newPerson, normaliseName } from '../persons/person.rules.js';
import { applyCaseUpdate, newCase } from './case.rules.js';
import type { Case, CaseCreateInput, CaseListQuery, CaseSummary, CaseUpdateInput } from './case.schema.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { ErrorCode } from '../../shared/errors.js';

type CaseDeps = Pick<Deps, 'uow' | 'clock' | 'ids'>;

async function checkAssignee(r: Repos, userId: string | null | undefined, organisationId: string): Promise<boolean> {
  if (userId === null || userId === undefined) return true;
  const user = await r.users.findById(userId);
  return user !== undefined && isAssignable(user, organisationId);
}

/**
 * Opens a case for a person of the actor's organisation, registering the person in the same transaction when
 * `input.person` is given. The case is assigned to `assignedUserId`, or to the actor when left out.
 */
export async function openCase(deps: CaseDeps, actor: Actor, input: CaseCreateInput): Promise<Result<Case, ErrorCode>> {
  const scope = caseListScope(actor);
  if (!scope) return err('auth.forbidden');
  const orgId = scope.organisationId;
  return deps.uow.write(async (r) => {
    const now = deps.clock.now().toISOString();
    let personId = input.personId;
    if (input.person) {
      const person = newPerson(input.person, { id: deps.ids.next(), organisationId: orgId, now });
      await r.persons.insert(person);
      await r.audit.append(actor, { action: 'person.create', recordType: 'person', recordId: person.id });
      personId = person.id;
    } else {
      const person = personId ? await r.persons.findById(personId) : undefined;
      if (!person || person.organisationId !== orgId) return err('case.person_not_found');
    }
    const assignedUserId = input.assignedUserId === undefined ? defaultAssignee(actor) : input.assignedUserId;
    if (!(await checkAssignee(r, assignedUserId, orgId))) return err('case.assignee_invalid');
    const c = newCase({ id: deps.ids.next(), organisationId: orgId, personId: personId as string, assignedUserId, now });
    await r.cases.insert(c);
    await r.audit.append(actor, { action: 'case.create', recordType: 'case', recordId: c.id, details: { personId: c.personId } });
    return ok(c);
  });
}

/** A caseworker's new case is theirs; a supervisor's stays unassigned until they assign it. */
function defaultAssignee(actor: Actor): string | null {
  return actor.kind === 'user' && actor.role === 'caseworker' ? actor.userId : null;
}

/** Reads a case. Not found and not allowed are the same answer. The read is audited with its purpose. */
export async function getCase(deps: Pick<Deps, 'uow'>, actor: Actor, id: string): Promise<Result<Case, ErrorCode>> {
  return deps.uow.write(async (r) => {
    const c = await r.cases.findById(id);
    if (!c || !canAccessCaseRecord(actor, c.organisationId)) return err('case.not_found');
    await r.audit.append(actor, { action: 'case.read', recordType: 'case', recordId: c.id });
    return ok(c);
  });
}

/** Changes a case's status or assigned caseworker. */
export async function updateCase(
  deps: Pick<Deps, 'uow' | 'clock'>,
  actor: Actor,
  id: string,
  input: CaseUpdateInput,
): Promise<Result<Case, ErrorCode>> {
  return deps.uow.write(async (r) => {
    const current = await r.cases.findById(id);
    if (!current || !canAccessCaseRecord(actor, current.organisationId)) return err('case.not_found');
    const expected = input.expectedVersion ?? current.version;
    if (expected !== current.version) return err('case.version_conflict');
    if (!(await checkAssignee(r, input.assignedUserId, current.organisationId))) return err('case.assignee_invalid');
    const next = applyCaseUpdate(current, input, deps.clock.now().toISOString());
    if (!(await r.cases.update(next, expected))) return err('case.version_conflict');
    const details: Record<string, string> = {};
    if (next.status !== current.status) details.status = `${current.status}->${next.status}`;
    if (next.assignedUserId !== current.assignedUserId) details.assignedUserId = next.assignedUserId ?? 'none';
    await r.audit.append(actor, { action: 'case.update', recordType: 'case', recordId: id, details });
    return ok(next);
  });
}

/** Lists the cases of the actor's organisation, newest first, with filters and name search. Audited with the ids shown. */
export async function listCases(
  deps: Pick<Deps, 'uow'>,
  actor: Actor,
  query: CaseListQuery,
): Promise<Result<Page<CaseSummary>, ErrorCode>> {
  const scope = caseListScope(actor);
  if (!scope) return err('auth.forbidden');
  const assignedUserId =
    query.assignedTo === 'me' ? actor.kind === 'user' ? actor.userId : undefined : query.assignedTo === 'none' ? null : query.assignedTo;
  return deps.uow.write(async (r) => {
    const page = await r.cases.list({
      organisationId: scope.organisationId,
      status: query.status,
      assignedUserId,
      personId: query.personId,
      nameQuery: query.q === undefined ? undefined : normaliseName(query.q),
      limit: query.limit,
      cursor: query.cursor,
    });
    await r.audit.append(actor, {
      action: query.q === undefined ? 'case.list' : 'case.search',
      recordType: 'case',
      recordId: null,
      details: { ids: page.items.map((c) => c.id) },
    });
    return ok(page);
  });
}
