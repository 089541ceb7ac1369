import type { Actor } from '../actor.js';
import type { Page } from '../common.schema.js';
import { mayInOrganisation, mayOnDeployment } from '../policy/access.js';
import type { Deps } from '../ports.js';
import type { AnonymousReport, AnonymousReportInput } from './anonymous-report.schema.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { ErrorCode } from '../../shared/errors.js';

/** Records an anonymous notification on behalf of the actor's organisation. The encounter day may not be in the future. */
export async function fileAnonymousReport(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids' | 'policy'>,
  actor: Actor,
  input: AnonymousReportInput,
): Promise<Result<AnonymousReport, ErrorCode>> {
  if (actor.kind !== 'user') return err('auth.forbidden');
  if (!mayInOrganisation(deps.policy, actor, 'anonymous_report.create', { id: actor.organisationId, type: actor.organisationType })) return err('auth.forbidden');
  const now = deps.clock.now().toISOString();
  if (input.encounteredOn > now.slice(0, 10)) return err('request.invalid');
  const report: AnonymousReport = {
    ...input,
    citizenship: input.citizenship ?? null,
    countryOfExploitation: input.countryOfExploitation ?? null,
    id: deps.ids.next(),
    reportingOrganisationId: actor.organisationId,
    createdAt: now,
  };
  return deps.uow.write(async (r) => {
    await r.anonymousReports.insert(report);
    await r.audit.append(actor, { action: 'anonymous_report.create', recordType: 'anonymous_report', recordId: report.id });
    return ok(report);
  });
}

/** Lists anonymous notifications, newest first (coordinators and DPOs; statistics will count them). */
export async function listAnonymousReports(
  deps: Pick<Deps, 'uow' | 'policy'>,
  actor: Actor,
  page: { limit: number; cursor?: string | undefined },
): Promise<Result<Page<AnonymousReport>, ErrorCode>> {
  if (!mayOnDeployment(deps.policy, actor, 'anonymous_report.list')) return err('auth.forbidden');
  return ok(await deps.uow.read((r) => r.anonymousReports.list(page)));
}
