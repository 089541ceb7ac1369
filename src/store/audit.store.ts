import type { Kysely, Selectable } from 'kysely';
import { chainAuditEvent, verifyAuditBatch, type ChainBreak } from '../domain/audit/audit.chain.js';
import type { AuditEvent } from '../domain/audit/audit.schema.js';
import type { Purpose } from '../domain/common.schema.js';
import type { AuditRepo, Clock, IdGenerator } from '../domain/ports.js';
import type { AuditEventRow, Database } from './database.js';
import { lockAuditChain } from './dialect/dialect.js';

function toEvent(row: Selectable<AuditEventRow>): AuditEvent {
  return {
    seq: Number(row.seq),
    id: row.id,
    at: row.at,
    actorKind: row.actor_kind as AuditEvent['actorKind'],
    actorUserId: row.actor_user_id,
    actorOrganisationId: row.actor_organisation_id,
    actorName: row.actor_name,
    action: row.action,
    recordType: row.record_type,
    recordId: row.record_id,
    purpose: row.purpose as Purpose,
    outcome: row.outcome as AuditEvent['outcome'],
    requestId: row.request_id,
    details: row.details,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** Appends links to the chain. Must be used inside a write transaction (see unit-of-work.ts). */
export function auditRepo(db: Kysely<Database>, clock: Clock, ids: IdGenerator): AuditRepo {
  return {
    async append(actor, entry) {
      await lockAuditChain(db);
      const head = await db.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
      const event = chainAuditEvent(head && { seq: Number(head.seq), hash: head.hash }, actor, entry, {
        id: ids.next(),
        at: clock.now().toISOString(),
      });
      await db
        .insertInto('audit_events')
        .values({
          seq: event.seq,
          id: event.id,
          at: event.at,
          actor_kind: event.actorKind,
          actor_user_id: event.actorUserId,
          actor_organisation_id: event.actorOrganisationId,
          actor_name: event.actorName,
          action: event.action,
          record_type: event.recordType,
          record_id: event.recordId,
          purpose: event.purpose,
          outcome: event.outcome,
          request_id: event.requestId,
          details: event.details,
          prev_hash: event.prevHash,
          hash: event.hash,
        })
        .execute();
      return event;
    },
    async search(f) {
      let q = db.selectFrom('audit_events').selectAll().orderBy('seq', 'desc').limit(f.limit);
      if (f.recordIds) {
        const ids = f.recordIds;
        // A record is concerned by its own events and by the lists whose details name it (ids only, never values).
        q = q.where((eb) =>
          eb.or([eb('record_id', 'in', ids.length > 0 ? [...ids] : ['']), ...ids.map((id) => eb('details', 'like', `%"${id}"%`))]),
        );
      }
      if (f.actorUserId) q = q.where('actor_user_id', '=', f.actorUserId);
      if (f.actorOrganisationId) q = q.where('actor_organisation_id', '=', f.actorOrganisationId);
      if (f.from) q = q.where('at', '>=', f.from);
      if (f.to) q = q.where('at', '<', f.to);
      if (f.action) q = q.where('action', '=', f.action);
      if (f.outcome) q = q.where('outcome', '=', f.outcome);
      if (f.beforeSeq) q = q.where('seq', '<', f.beforeSeq);
      return (await q.execute()).map(toEvent);
    },
  };
}

export interface AuditVerification {
  readonly checked: number;
  readonly broken: ChainBreak | null;
  readonly headSeq: number | null;
}

/**
 * Walks the whole chain in batches, in sequence order, and reports the first broken link. Memory stays flat
 * whatever the length of the log.
 */
export async function verifyAuditChain(
  db: Kysely<Database>,
  options: { batchSize?: number; onProgress?: (checked: number, total: number) => void } = {},
): Promise<AuditVerification> {
  const batchSize = options.batchSize ?? 5000;
  const total = Number((await db.selectFrom('audit_events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  let last: { seq: number; hash: string } | undefined;
  let checked = 0;
  for (;;) {
    let q = db.selectFrom('audit_events').selectAll().orderBy('seq', 'asc').limit(batchSize);
    if (last) q = q.where('seq', '>', last.seq);
    const rows = await q.execute();
    if (rows.length === 0) break;
    const events = rows.map(toEvent);
    const result = verifyAuditBatch(last, events);
    if ('broken' in result) {
      checked += events.findIndex((e) => e.seq === result.broken.seq);
      return { checked, broken: result.broken, headSeq: null };
    }
    checked += events.length;
    last = result.last;
    options.onProgress?.(checked, total);
  }
  return { checked, broken: null, headSeq: last?.seq ?? null };
}

/** One event by its sequence number. */
export async function auditEventAt(db: Kysely<Database>, seq: number): Promise<AuditEvent | undefined> {
  const row = await db.selectFrom('audit_events').selectAll().where('seq', '=', seq).executeTakeFirst();
  return row && toEvent(row);
}

/** The newest events, for tests and the DPO pages. */
export async function recentAuditEvents(db: Kysely<Database>, limit: number): Promise<AuditEvent[]> {
  const rows = await db.selectFrom('audit_events').selectAll().orderBy('seq', 'desc').limit(limit).execute();
  return rows.map(toEvent);
}
