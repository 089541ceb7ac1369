import { z } from 'zod';
import type { Actor } from '../actor.js';
import { accessContext, mayOnPerson } from '../cases/case.access.js';
import { mayOnDeployment, mayOnRecord } from '../policy/access.js';
import { organisationEntity } from '../policy/policy.model.js';
import type { Deps, Repos } from '../ports.js';
import type { Person } from '../persons/person.schema.js';
import type { Organisation } from '../orgs/org.schema.js';
import { anonymisedPerson, isDueForAnonymisation } from './retention.rules.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { ErrorCode } from '../../shared/errors.js';

export const ERASURE_REASONS = ['data_subject_request', 'legal_obligation', 'data_protection_officer_decision'] as const;
export const eraseRequestSchema = z.strictObject({ reason: z.enum(ERASURE_REASONS) });
export const retentionUpdateSchema = z.strictObject({
  retentionMonths: z.number().int().min(1).max(1200).nullable().describe('null = the deployment default (OPENNRM_RETENTION_MONTHS)'),
});

/** Anonymises one person inside the caller's transaction and records why. Case rows and their attributes stay. */
async function anonymiseIn(r: Repos, actor: Actor, person: Person, now: string, reason: string): Promise<Person> {
  const next = anonymisedPerson(person, now);
  await r.persons.anonymise(next);
  const notesRemoved = await r.persons.removeFreeText(person.id);
  await r.audit.append(actor, { action: reason === 'retention' ? 'person.anonymise' : 'person.erase', recordType: 'person', recordId: person.id, details: { reason, notesRemoved } });
  return next;
}

/**
 * Erases a person's identity on request (the person's own, a legal obligation, a DPO decision): names, birth day,
 * notes and the free text of grants go; the statistical attributes stay. Data protection officers and the
 * supervisors of the holding organisation. Idempotent.
 */
export async function erasePerson(
  deps: Pick<Deps, 'uow' | 'clock' | 'policy'>,
  actor: Actor,
  personId: string,
  reason: (typeof ERASURE_REASONS)[number],
): Promise<Result<{ id: string; anonymisedAt: string }, ErrorCode>> {
  const now = deps.clock.now().toISOString();
  return deps.uow.write(async (r) => {
    const person = await r.persons.findById(personId);
    if (!person || !(await mayOnPerson(r, accessContext(deps), actor, 'person.erase', person))) return err('person.not_found');
    if (person.anonymisedAt) return ok({ id: person.id, anonymisedAt: person.anonymisedAt });
    await anonymiseIn(r, actor, person, now, reason);
    return ok({ id: person.id, anonymisedAt: now });
  });
}

export interface RetentionReport {
  readonly examined: number;
  readonly due: number;
  readonly anonymised: number;
}

/**
 * The retention job: anonymises every person whose cases are all closed and whose organisation's retention period
 * (or `defaultMonths`) has run out since the last one closed. Each person in a transaction of their own, so a long
 * run never holds the database. `dryRun` counts without changing anything.
 */
export async function runRetention(
  deps: Pick<Deps, 'uow' | 'clock' | 'policy'>,
  actor: Actor,
  options: { defaultMonths: number; dryRun: boolean; onProgress?: (done: number, total: number) => void },
): Promise<Result<RetentionReport, ErrorCode>> {
  if (!mayOnDeployment(deps.policy, actor, 'retention.run')) return err('auth.forbidden');
  const now = deps.clock.now().toISOString();
  const summaries = await deps.uow.read((r) => r.persons.retentionSummaries());
  const due = summaries.filter((s) => isDueForAnonymisation(s, options.defaultMonths, now));
  let anonymised = 0;
  if (!options.dryRun) {
    for (const [i, s] of due.entries()) {
      const result = await deps.uow.write(async (r) => {
        const person = await r.persons.findById(s.personId);
        if (!person || person.anonymisedAt) return ok(false);
        await anonymiseIn(r, actor, person, now, 'retention');
        return ok(true);
      });
      if (result.ok && result.value) anonymised += 1;
      options.onProgress?.(i + 1, due.length);
    }
  }
  return ok({ examined: summaries.length, due: due.length, anonymised });
}

/** Sets an organisation's retention schedule (system administrators; organisation admins for their own). Audited. */
export async function setRetention(
  deps: Pick<Deps, 'uow' | 'policy'>,
  actor: Actor,
  organisationId: string,
  months: number | null,
): Promise<Result<Organisation, ErrorCode>> {
  return deps.uow.write(async (r) => {
    const org = await r.organisations.findById(organisationId);
    if (!org || !mayOnRecord(deps.policy, actor, 'organisation.update', [organisationEntity(org)])) return err('organisation.not_found');
    await r.organisations.setRetention(org.id, months);
    await r.audit.append(actor, { action: 'organisation.retention', recordType: 'organisation', recordId: org.id, details: { months: months ?? 'default' } });
    return ok({ ...org, retentionMonths: months });
  });
}
