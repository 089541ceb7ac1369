import { createHash } from 'node:crypto';
import type { Actor } from '../actor.js';
import type { AuditEntryInput, AuditEvent } from './audit.schema.js';

export const GENESIS_HASH = '0'.repeat(64);

/** Sorted-key JSON, so that the same details always hash the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 over every field of the event but its own hash, in a fixed order, including the previous hash. */
export function hashAuditEvent(event: Omit<AuditEvent, 'hash'>): string {
  const material = [
    event.seq,
    event.id,
    event.at,
    event.actorKind,
    event.actorUserId,
    event.actorOrganisationId,
    event.actorName,
    event.action,
    event.recordType,
    event.recordId,
    event.purpose,
    event.outcome,
    event.requestId,
    event.details,
    event.prevHash,
  ];
  return createHash('sha256').update(JSON.stringify(material)).digest('hex');
}

/** Builds the next link after `previous` (or the first link when the log is empty). */
export function chainAuditEvent(
  previous: { seq: number; hash: string } | undefined,
  actor: Actor,
  entry: AuditEntryInput,
  meta: { id: string; at: string },
): AuditEvent {
  const link: Omit<AuditEvent, 'hash'> = {
    seq: (previous?.seq ?? 0) + 1,
    id: meta.id,
    at: meta.at,
    actorKind: actor.kind,
    actorUserId: actor.kind === 'user' ? actor.userId : null,
    actorOrganisationId: actor.kind === 'user' ? actor.organisationId : null,
    actorName: actor.kind === 'system' ? actor.name : null,
    action: entry.action,
    recordType: entry.recordType,
    recordId: entry.recordId,
    purpose: actor.purpose,
    outcome: entry.outcome ?? 'success',
    requestId: actor.requestId,
    details: entry.details === undefined ? null : canonicalJson(entry.details),
    prevHash: previous?.hash ?? GENESIS_HASH,
  };
  return { ...link, hash: hashAuditEvent(link) };
}

export type ChainBreak =
  | { readonly seq: number; readonly reason: 'hash_mismatch' }
  | { readonly seq: number; readonly reason: 'prev_hash_mismatch' }
  | { readonly seq: number; readonly reason: 'sequence_gap'; readonly expectedSeq: number };

/**
 * Checks events in sequence order, continuing from `previous` (undefined at the start of the log). Returns the
 * first broken link, or the last good link to carry on from in the next batch.
 */
export function verifyAuditBatch(
  previous: { seq: number; hash: string } | undefined,
  events: readonly AuditEvent[],
): { readonly broken: ChainBreak } | { readonly last: { seq: number; hash: string } | undefined } {
  let last = previous;
  for (const event of events) {
    const expectedSeq = (last?.seq ?? 0) + 1;
    if (event.seq !== expectedSeq) return { broken: { seq: event.seq, reason: 'sequence_gap', expectedSeq } };
    if (event.prevHash !== (last?.hash ?? GENESIS_HASH)) return { broken: { seq: event.seq, reason: 'prev_hash_mismatch' } };
    const { hash, ...rest } = event;
    if (hashAuditEvent(rest) !== hash) return { broken: { seq: event.seq, reason: 'hash_mismatch' } };
    last = { seq: event.seq, hash };
  }
  return { last };
}
