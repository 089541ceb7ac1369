import type { Actor } from '../actor.js';
import { mayOnDeployment } from '../policy/access.js';
import type { Deps } from '../ports.js';
import type { AuditSearchQuery } from './audit.query.js';
import type { AuditEvent } from './audit.schema.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { ErrorCode } from '../../shared/errors.js';

export interface AuditPage {
  readonly items: readonly AuditEvent[];
  readonly nextCursor: string | null;
}

/**
 * Searches the audit trail for a data protection officer: by person (their record, their cases, and the lists
 * that showed any of them), case, user, organisation, time, action and outcome, newest first. The search is
 * itself audited.
 */
export async function searchAudit(
  deps: Pick<Deps, 'uow' | 'policy'>,
  actor: Actor,
  query: AuditSearchQuery,
): Promise<Result<AuditPage, ErrorCode>> {
  if (!mayOnDeployment(deps.policy, actor, 'audit.read')) return err('auth.forbidden');
  return deps.uow.write(async (r) => {
    let recordIds: string[] | undefined;
    if (query.personId) recordIds = [query.personId, ...(await r.cases.idsOfPerson(query.personId))];
    if (query.caseId) recordIds = recordIds ? recordIds.filter((id) => id === query.caseId) : [query.caseId];
    const items = await r.audit.search({
      ...(recordIds ? { recordIds } : {}),
      actorUserId: query.userId,
      actorOrganisationId: query.organisationId,
      from: query.from,
      to: query.to,
      action: query.action,
      outcome: query.outcome,
      limit: query.limit + 1,
      beforeSeq: query.cursor,
    });
    const page = items.slice(0, query.limit);
    const filters = Object.entries(query).filter(([k, v]) => v !== undefined && k !== 'limit' && k !== 'cursor').map(([k]) => k);
    await r.audit.append(actor, { action: 'audit.search', recordType: query.personId ? 'person' : query.caseId ? 'case' : null, recordId: query.personId ?? query.caseId ?? null, details: { filters } });
    const last = page[page.length - 1];
    return ok({ items: page, nextCursor: items.length > query.limit && last ? String(last.seq) : null });
  });
}
