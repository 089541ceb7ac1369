import type { Actor } from '../actor.js';
import type { Page } from '../common.schema.js';
import { accessContext, mayOnCase } from '../cases/case.access.js';
import { sectorOf } from '../orgs/org.schema.js';
import { mayOnDeployment } from '../policy/access.js';
import type { Deps, Repos } from '../ports.js';
import { BREAK_GLASS_PENDING_MINUTES, isValidExpiry } from './grant.rules.js';
import type { AccessGrant, BreakGlassRequestInput, ConsentGrantInput, LegalOrderGrantInput } from './grant.schema.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { ErrorCode } from '../../shared/errors.js';

type GrantDeps = Pick<Deps, 'uow' | 'clock' | 'ids' | 'policy'>;

const EMPTY_GRANT = {
  granteeOrganisationId: null,
  granteeUserId: null,
  purpose: null,
  categories: [],
  reference: null,
  consentGivenBy: null,
  explainedInLanguage: null,
  isInterpreterUsed: null,
  childViews: null,
  reason: null,
  durationMinutes: null,
  approvedBy: null,
  approvedAt: null,
  revokedAt: null,
  revokedBy: null,
  revocationReason: null,
} as const;

const userIdOf = (actor: Actor) => (actor.kind === 'user' ? actor.userId : null);

async function notifyDpos(r: Repos, deps: Pick<Deps, 'ids'>, organisationId: string, kind: string, caseId: string, at: string): Promise<void> {
  for (const recipientUserId of await r.notifications.dpoRecipients(organisationId)) {
    await r.notifications.insert({ id: deps.ids.next(), recipientUserId, kind, recordType: 'case', recordId: caseId, createdAt: at });
  }
}

/** Grants go to criminal-justice organisations only: never to immigration enforcement, whatever the policy file says. */
async function checkGrantee(r: Repos, organisationId: string): Promise<ErrorCode | null> {
  const grantee = await r.organisations.findById(organisationId);
  return grantee && sectorOf(grantee.type) === 'criminal_justice' ? null : 'grant.grantee_not_allowed';
}

async function createOrgGrant(
  deps: GrantDeps,
  actor: Actor,
  caseId: string,
  kind: 'consent' | 'legal_order',
  fields: Partial<AccessGrant> & Pick<AccessGrant, 'granteeOrganisationId' | 'purpose' | 'categories' | 'expiresAt'>,
): Promise<Result<AccessGrant, ErrorCode>> {
  const now = deps.clock.now().toISOString();
  return deps.uow.write(async (r) => {
    const c = await r.cases.findById(caseId);
    const action = kind === 'consent' ? 'case.grant.consent' : 'case.grant.legal_order';
    if (!c || !(await mayOnCase(r, accessContext(deps), actor, action, c))) return err('case.not_found');
    const refusal = await checkGrantee(r, fields.granteeOrganisationId as string);
    if (refusal) return err(refusal);
    if (!isValidExpiry(fields.expiresAt, now)) return err('grant.expiry_invalid');
    const grant: AccessGrant = { ...EMPTY_GRANT, ...fields, id: deps.ids.next(), caseId, kind, createdBy: userIdOf(actor), createdAt: now };
    await r.grants.insert(grant);
    await r.audit.append(actor, {
      action: `grant.${kind}.create`,
      recordType: 'case',
      recordId: caseId,
      details: { grantId: grant.id, granteeOrganisationId: grant.granteeOrganisationId ?? '', categories: grant.categories, purpose: grant.purpose ?? '' },
    });
    return ok(grant);
  });
}

/** Records the person's consent to share named categories of their case with a police or prosecution organisation. */
export function recordConsent(deps: GrantDeps, actor: Actor, caseId: string, input: ConsentGrantInput): Promise<Result<AccessGrant, ErrorCode>> {
  return createOrgGrant(deps, actor, caseId, 'consent', {
    granteeOrganisationId: input.granteeOrganisationId,
    purpose: input.purpose,
    categories: input.categories,
    expiresAt: input.expiresAt,
    consentGivenBy: input.givenBy,
    explainedInLanguage: input.explainedInLanguage,
    isInterpreterUsed: input.isInterpreterUsed,
    childViews: input.childViews ?? null,
  });
}

/** Enters a legal order (data protection officers), with its reference. */
export function enterLegalOrder(deps: GrantDeps, actor: Actor, caseId: string, input: LegalOrderGrantInput): Promise<Result<AccessGrant, ErrorCode>> {
  return createOrgGrant(deps, actor, caseId, 'legal_order', {
    granteeOrganisationId: input.granteeOrganisationId,
    purpose: input.purpose,
    categories: input.categories,
    expiresAt: input.expiresAt,
    reference: input.reference,
  });
}

/** Withdraws consent, lifts an order or ends emergency access, at once. */
export async function revokeGrant(deps: GrantDeps, actor: Actor, caseId: string, grantId: string, reason: string): Promise<Result<AccessGrant, ErrorCode>> {
  const now = deps.clock.now().toISOString();
  return deps.uow.write(async (r) => {
    const c = await r.cases.findById(caseId);
    if (!c || !(await mayOnCase(r, accessContext(deps), actor, 'case.grant.revoke', c))) return err('case.not_found');
    const grant = await r.grants.findById(grantId);
    if (!grant || grant.caseId !== caseId) return err('grant.not_found');
    if (grant.revokedAt) return ok(grant);
    await r.grants.revoke(grantId, userIdOf(actor), now, reason);
    await r.audit.append(actor, { action: 'grant.revoke', recordType: 'case', recordId: caseId, details: { grantId, kind: grant.kind } });
    return ok({ ...grant, revokedAt: now, revokedBy: userIdOf(actor), revocationReason: reason });
  });
}

/** The grants of a case, newest first, valid or not (the history matters to the person and the DPO). */
export async function listGrants(deps: GrantDeps, actor: Actor, caseId: string): Promise<Result<AccessGrant[], ErrorCode>> {
  return deps.uow.write(async (r) => {
    const c = await r.cases.findById(caseId);
    if (!c || !(await mayOnCase(r, accessContext(deps), actor, 'case.grant.list', c))) return err('case.not_found');
    const grants = await r.grants.listForCase(caseId);
    await r.audit.append(actor, { action: 'grant.list', recordType: 'case', recordId: caseId });
    return ok(grants);
  });
}

/**
 * Asks for emergency access to a case, with a reason. Nothing opens until another supervisor or a DPO approves;
 * the organisation's DPOs are notified of the request and of its approval.
 */
export async function requestBreakGlass(deps: GrantDeps, actor: Actor, caseId: string, input: BreakGlassRequestInput): Promise<Result<AccessGrant, ErrorCode>> {
  const now = deps.clock.now();
  return deps.uow.write(async (r) => {
    const c = await r.cases.findById(caseId);
    if (!c || actor.kind !== 'user' || !(await mayOnCase(r, accessContext(deps), actor, 'case.break_glass.request', c))) return err('case.not_found');
    const grant: AccessGrant = {
      ...EMPTY_GRANT,
      id: deps.ids.next(),
      caseId,
      kind: 'break_glass',
      granteeUserId: actor.userId,
      categories: ['case', 'notes', 'identity'],
      reason: input.reason,
      durationMinutes: input.minutes,
      createdBy: actor.userId,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + BREAK_GLASS_PENDING_MINUTES * 60_000).toISOString(),
    };
    await r.grants.insert(grant);
    await notifyDpos(r, deps, c.organisationId, 'break_glass.requested', caseId, grant.createdAt);
    await r.audit.append(actor, { action: 'break_glass.request', recordType: 'case', recordId: caseId, details: { grantId: grant.id, minutes: input.minutes } });
    return ok(grant);
  });
}

/** Approves a pending emergency access request; never one's own. Access ends by itself after the requested time. */
export async function approveBreakGlass(deps: GrantDeps, actor: Actor, caseId: string, grantId: string): Promise<Result<AccessGrant, ErrorCode>> {
  const now = deps.clock.now();
  return deps.uow.write(async (r) => {
    const c = await r.cases.findById(caseId);
    const grant = await r.grants.findById(grantId);
    if (!c || !grant || grant.caseId !== caseId || grant.kind !== 'break_glass' || !grant.granteeUserId) return err('grant.not_found');
    const requester = { type: 'User', id: grant.granteeUserId } as const;
    if (!(await mayOnCase(r, accessContext(deps), actor, 'case.break_glass.approve', c, { requester }))) return err('grant.not_found');
    if (grant.approvedAt || grant.revokedAt || grant.expiresAt <= now.toISOString()) return err('grant.not_pending');
    const expiresAt = new Date(now.getTime() + (grant.durationMinutes ?? 60) * 60_000).toISOString();
    await r.grants.approve(grantId, userIdOf(actor) ?? '', now.toISOString(), expiresAt);
    await notifyDpos(r, deps, c.organisationId, 'break_glass.approved', caseId, now.toISOString());
    await r.audit.append(actor, { action: 'break_glass.approve', recordType: 'case', recordId: caseId, details: { grantId, expiresAt } });
    return ok({ ...grant, approvedBy: userIdOf(actor), approvedAt: now.toISOString(), expiresAt });
  });
}

/** Every emergency access request, for the data protection officers' review. Audited. */
export async function listBreakGlass(
  deps: GrantDeps,
  actor: Actor,
  page: { limit: number; cursor?: string | undefined },
): Promise<Result<Page<AccessGrant>, ErrorCode>> {
  if (!mayOnDeployment(deps.policy, actor, 'break_glass.review')) return err('auth.forbidden');
  return deps.uow.write(async (r) => {
    const result = await r.grants.listBreakGlass(page);
    await r.audit.append(actor, { action: 'break_glass.review', recordType: null, recordId: null, details: { ids: result.items.map((g) => g.id) } });
    return ok(result);
  });
}
