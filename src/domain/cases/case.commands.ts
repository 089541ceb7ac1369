import type { Actor } from '../actor.js';
import type { Page } from '../common.schema.js';
import { mayInOrganisation, scopeFor } from '../policy/access.js';
import { isDenyAll } from '../policy/scope.js';
import type { Deps, Repos } from '../ports.js';
import { newPerson, normaliseName } from '../persons/person.rules.js';
import { absentCase, accessContext, mayOnCase, mayOnPerson, readOutcome } from './case.access.js';
import { applyCaseUpdate, isAssignable, newCase } from './case.rules.js';
import type { Case, CaseCreateInput, CaseListQuery, CaseSummary, CaseUpdateInput } from './case.schema.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { ErrorCode } from '../../shared/errors.js';

type CaseDeps = Pick<Deps, 'uow' | 'clock' | 'ids' | 'policy'>;

async function checkAssignee(r: Repos, userId: string | null | undefined, organisationId: string): Promise<boolean> {
  if (userId === null || userId === undefined) return true;
  const user = await r.users.findById(userId);
  return user !== undefined && isAssignable(user, organisationId);
}

/** A caseworker's new case is theirs; a supervisor's stays unassigned until they assign it. */
function defaultAssignee(actor: Actor): string | null {
  return actor.kind === 'user' && actor.role === 'caseworker' ? actor.userId : null;
}

/**
 * Opens a case in the actor's organisation for a person they may see, registering the person in the same
 * transaction when `input.person` is given. The case is assigned to `assignedUserId`, or as defaultAssignee says.
 */
export async function openCase(deps: CaseDeps, actor: Actor, input: CaseCreateInput): Promise<Result<Case, ErrorCode>> {
  if (actor.kind !== 'user') return err('auth.forbidden');
  const org = { id: actor.organisationId, type: actor.organisationType };
  if (!mayInOrganisation(deps.policy, actor, 'case.create', org)) return err('auth.forbidden');
  if (input.person && !mayInOrganisation(deps.policy, actor, 'person.create', org)) return err('auth.forbidden');
  return deps.uow.write(async (r) => {
    const now = deps.clock.now().toISOString();
    let personId: string;
    if (input.person) {
      const person = newPerson(input.person, { id: deps.ids.next(), organisationId: org.id, registeredBy: actor.userId, now });
      await r.persons.insert(person);
      await r.audit.append(actor, { action: 'person.create', recordType: 'person', recordId: person.id });
      personId = person.id;
    } else {
      const person = input.personId ? await r.persons.findById(input.personId) : undefined;
      if (!person || person.organisationId !== org.id || !(await mayOnPerson(r, accessContext(deps), actor, 'person.read', person))) {
        return err('case.person_not_found');
      }
      personId = person.id;
    }
    const assignedUserId = input.assignedUserId === undefined ? defaultAssignee(actor) : input.assignedUserId;
    if (!(await checkAssignee(r, assignedUserId, org.id))) return err('case.assignee_invalid');
    const c = newCase({ id: deps.ids.next(), organisationId: org.id, personId, assignedUserId, now });
    await r.cases.insert(c);
    await r.audit.append(actor, { action: 'case.create', recordType: 'case', recordId: c.id, details: { personId: c.personId } });
    return ok(c);
  });
}

/**
 * Reads a case. Missing and not allowed are the same answer (`case.not_found`), reached through the same work;
 * the audit trail records which it was, with the purpose.
 */
export async function getCase(deps: Pick<Deps, 'uow' | 'clock' | 'policy'>, actor: Actor, id: string): Promise<Result<Case, ErrorCode>> {
  const result = await deps.uow.write(async (r) => {
    const c = await r.cases.findById(id);
    const isAllowed = (await mayOnCase(r, accessContext(deps), actor, 'case.read', c ?? absentCase(id, actor))) && c !== undefined;
    await r.audit.append(actor, { action: 'case.read', recordType: 'case', recordId: id, ...readOutcome(c !== undefined, isAllowed) });
    return ok(isAllowed ? c : undefined);
  });
  return result.ok && result.value ? ok(result.value) : err('case.not_found');
}

/** Changes a case's status or assigned caseworker. */
export async function updateCase(
  deps: Pick<Deps, 'uow' | 'clock' | 'policy'>,
  actor: Actor,
  id: string,
  input: CaseUpdateInput,
): Promise<Result<Case, ErrorCode>> {
  return deps.uow.write(async (r) => {
    const current = await r.cases.findById(id);
    if (!current || !(await mayOnCase(r, accessContext(deps), actor, 'case.update', current))) return err('case.not_found');
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

/**
 * Lists the cases the policy lets the actor see, newest first, with filters and name search. The policy becomes
 * the query's SQL filter (policy/scope.ts). Audited with the ids shown.
 */
export async function listCases(
  deps: Pick<Deps, 'uow' | 'clock' | 'policy'>,
  actor: Actor,
  query: CaseListQuery,
): Promise<Result<Page<CaseSummary>, ErrorCode>> {
  const scope = scopeFor(deps.policy, actor, 'case.list', 'Case');
  if (isDenyAll(scope)) return err('auth.forbidden');
  const assignedUserId =
    query.assignedTo === 'me' ? (actor.kind === 'user' ? actor.userId : undefined) : query.assignedTo === 'none' ? null : query.assignedTo;
  return deps.uow.write(async (r) => {
    const page = await r.cases.list({
      scope,
      now: deps.clock.now().toISOString(),
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

/**
 * Shares a case with a colleague of the same organisation (a caseworker or supervisor), or stops sharing it. Whoever
 * may change the case may share it. Audited.
 */
export async function setCaseShare(
  deps: Pick<Deps, 'uow' | 'clock' | 'policy'>,
  actor: Actor,
  caseId: string,
  userId: string,
  isShared: boolean,
): Promise<Result<{ caseId: string; userId: string; isShared: boolean }, ErrorCode>> {
  return deps.uow.write(async (r) => {
    const c = await r.cases.findById(caseId);
    if (!c || !(await mayOnCase(r, accessContext(deps), actor, 'case.update', c))) return err('case.not_found');
    if (isShared && !(await checkAssignee(r, userId, c.organisationId))) return err('case.assignee_invalid');
    const changed = isShared
      ? await r.cases.share(caseId, userId, actor.kind === 'user' ? actor.userId : null, deps.clock.now().toISOString())
      : await r.cases.unshare(caseId, userId);
    if (changed) await r.audit.append(actor, { action: isShared ? 'case.share' : 'case.unshare', recordType: 'case', recordId: caseId, details: { userId } });
    return ok({ caseId, userId, isShared });
  });
}
