import type { Case, CaseStatus, CaseUpdateInput } from './case.schema.js';

/** A user a case can be assigned to: active, same organisation, a case-working role. */
export function isAssignable(user: { organisationId: string; role: string; isDisabled: boolean }, organisationId: string): boolean {
  return !user.isDisabled && user.organisationId === organisationId && (user.role === 'caseworker' || user.role === 'supervisor');
}

const CLOSED: ReadonlySet<CaseStatus> = new Set(['closed', 'closed_referred']);

export function isClosed(status: CaseStatus): boolean {
  return CLOSED.has(status);
}

export function newCase(meta: {
  id: string;
  organisationId: string;
  personId: string;
  assignedUserId: string | null;
  now: string;
}): Case {
  return {
    id: meta.id,
    organisationId: meta.organisationId,
    personId: meta.personId,
    status: 'open',
    assignedUserId: meta.assignedUserId,
    openedAt: meta.now,
    closedAt: null,
    createdAt: meta.now,
    updatedAt: meta.now,
    version: 1,
  };
}

/**
 * Applies a status or assignment change. Closing stamps `closedAt`; reopening clears it (a reopened case is open
 * again, its history stays in the audit trail).
 */
export function applyCaseUpdate(current: Case, update: CaseUpdateInput, now: string): Case {
  const status = update.status ?? current.status;
  let closedAt = current.closedAt;
  if (isClosed(status) && !isClosed(current.status)) closedAt = now;
  if (!isClosed(status)) closedAt = null;
  return {
    ...current,
    status,
    assignedUserId: update.assignedUserId !== undefined ? update.assignedUserId : current.assignedUserId,
    closedAt,
    updatedAt: now,
    version: current.version + 1,
  };
}
