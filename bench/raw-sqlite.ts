import { closeSync, fdatasyncSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type SQLite from 'better-sqlite3';
import type { UserActor } from '../src/domain/actor.js';
import { chainAuditEvent } from '../src/domain/audit/audit.chain.js';
import type { AuditEntryInput } from '../src/domain/audit/audit.schema.js';
import { newCase } from '../src/domain/cases/case.rules.js';
import { newPerson } from '../src/domain/persons/person.rules.js';
import { createFieldCipher } from '../src/platform/field-cipher.js';
import { newRingKey } from '../src/platform/key-ring.js';
import { uuidv7 } from '../src/shared/ids.js';
import { openStore } from '../src/store/connect.js';
import { encryptField, encryptNullable, nameTokenRows } from '../src/store/field-codec.js';
import { migrateToLatest } from '../src/store/migrate.js';

/** Per-operation timings of a loop of one operation. */
export interface OpStats {
  readonly count: number;
  readonly opsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
}

export function summarise(durationsMs: number[], wallMs: number): OpStats {
  const sorted = [...durationsMs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  const total = sorted.reduce((s, d) => s + d, 0);
  return {
    count: sorted.length,
    opsPerSec: sorted.length / (wallMs / 1000),
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    meanMs: total / Math.max(1, sorted.length),
  };
}

/** Runs `op` `iterations` times (or until `maxMs` has passed), timing each call on its own. */
function timeLoop(iterations: number, maxMs: number, op: (i: number) => void): OpStats {
  const durations: number[] = [];
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(maxMs) * 1_000_000n;
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint();
    op(i);
    const t1 = process.hrtime.bigint();
    durations.push(Number(t1 - t0) / 1e6);
    if (t1 > deadline) break;
  }
  return summarise(durations, Number(process.hrtime.bigint() - started) / 1e6);
}

/**
 * Runs `runBatch(first, size)` until `iterations` operations are done. Every operation of a batch is acknowledged
 * when its batch commits, so each counts with its batch's duration.
 */
function timeBatches(iterations: number, batchSize: number, maxMs: number, runBatch: (first: number, size: number) => void): OpStats {
  const durations: number[] = [];
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(maxMs) * 1_000_000n;
  for (let i = 0; i < iterations; i += batchSize) {
    const t0 = process.hrtime.bigint();
    runBatch(i, batchSize);
    const t1 = process.hrtime.bigint();
    for (let k = 0; k < batchSize; k++) durations.push(Number(t1 - t0) / 1e6);
    if (t1 > deadline) break;
  }
  return summarise(durations, Number(process.hrtime.bigint() - started) / 1e6);
}

export interface RawResults {
  readonly synchronous: 'FULL' | 'NORMAL';
  /**
   * Person row (identity fields encrypted) + its name-token rows + audit row + case row + audit row in one IMMEDIATE
   * transaction: what POST /cases writes.
   */
  readonly create: OpStats;
  /** Case select + audit row in one IMMEDIATE transaction: what GET /cases/:id does. */
  readonly read: OpStats;
  /** The case select alone, no transaction, no audit: the floor of a read. */
  readonly readNoAudit: OpStats;
  /** `read` again, preparing each statement anew every time, as Kysely's SQLite driver does (it caches none). */
  readonly readReprepared: OpStats;
  /** `create` and `read`, `batchSize` to a COMMIT, each in its own savepoint: what the server's group commit does. */
  readonly createBatched: OpStats;
  readonly readBatched: OpStats;
  readonly batchSize: number;
}

/**
 * The same operations as the server's case create and case read, done straight on better-sqlite3 with prepared
 * statements, on a fresh database made by the app's own connection code (same pragmas) and migrations (same
 * schema, triggers and indexes). The audit links are built by the app's own hash-chain function.
 */
export async function measureRawSqlite(
  dir: string,
  options: { iterations: number; maxMsPerOp: number; synchronous: 'FULL' | 'NORMAL'; batchSize: number },
): Promise<RawResults> {
  const store = openStore({ kind: 'sqlite', file: join(dir, 'baseline.db') });
  try {
    await migrateToLatest(store.db);
    const db = store.sqlite;
    if (!db) throw new Error('no SQLite handle');
    if (options.synchronous !== 'FULL') db.pragma(`synchronous = ${options.synchronous}`);
    return runOperations(db, options);
  } finally {
    await store.close();
  }
}

function runOperations(db: SQLite.Database, options: { iterations: number; maxMsPerOp: number; synchronous: 'FULL' | 'NORMAL'; batchSize: number }): RawResults {
  const now = () => new Date().toISOString();
  const orgId = uuidv7();
  const userId = uuidv7();
  db.prepare('insert into organisations (id, name, type, country, is_demo, created_at) values (?, ?, ?, ?, 0, ?)').run(orgId, 'Bench org', 'shelter', 'ZZ', now());
  db.prepare(
    `insert into users (id, organisation_id, username, display_name, role, password_hash, is_disabled, is_demo, failed_logins,
       locked_until, password_changed_at, created_at) values (?, ?, ?, ?, 'caseworker', 'x', 0, 0, 0, null, ?, ?)`,
  ).run(userId, orgId, 'bench.user', 'Bench user', now(), now());
  const actor: UserActor = {
    kind: 'user',
    userId,
    organisationId: orgId,
    organisationType: 'shelter',
    role: 'caseworker',
    sessionId: uuidv7(),
    requestId: uuidv7(),
    purpose: 'case_management',
  };

  const key = newRingKey(new Date());
  const cipher = createFieldCipher(() => ({ currentId: key.id, keys: [key] }));
  const insertToken = db.prepare('insert into person_name_tokens (person_id, key_id, token_hash) values (?, ?, ?)');
  const insertPerson = db.prepare(
    `insert into persons (id, organisation_id, given_name, family_name, name_search, sex, date_of_birth, is_date_of_birth_estimated,
       nationality, preferred_language, created_at, updated_at, version) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertCase = db.prepare(
    `insert into cases (id, organisation_id, person_id, status, assigned_user_id, opened_at, closed_at, created_at, updated_at, version)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const sql = {
    selectCase: 'select * from cases where id = ?',
    auditHead: 'select seq, hash from audit_events order by seq desc limit 1',
    insertAudit: `insert into audit_events (seq, id, at, actor_kind, actor_user_id, actor_organisation_id, actor_name, action, record_type,
       record_id, purpose, outcome, request_id, details, prev_hash, hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  };
  const selectCase = db.prepare(sql.selectCase);
  const auditHead = db.prepare(sql.auditHead);
  const insertAudit = db.prepare(sql.insertAudit);

  const appendAudit = (entry: AuditEntryInput, reprepare = false) => {
    const head = (reprepare ? db.prepare(sql.auditHead) : auditHead).get() as { seq: number; hash: string } | undefined;
    const e = chainAuditEvent(head && { seq: Number(head.seq), hash: head.hash }, actor, entry, { id: uuidv7(), at: now() });
    (reprepare ? db.prepare(sql.insertAudit) : insertAudit).run(e.seq, e.id, e.at, e.actorKind, e.actorUserId, e.actorOrganisationId, e.actorName, e.action, e.recordType,
      e.recordId, e.purpose, e.outcome, e.requestId, e.details, e.prevHash, e.hash);
  };

  const createCase = db.transaction((): string => {
    const at = now();
    const p = newPerson({ givenName: 'Bench', familyName: 'Person', sex: 'unknown', isDateOfBirthEstimated: false }, { id: uuidv7(), organisationId: orgId, registeredBy: null, now: at });
    insertPerson.run(p.id, p.organisationId, encryptField(cipher, 'persons', 'given_name', p.id, p.givenName),
      encryptNullable(cipher, 'persons', 'family_name', p.id, p.familyName), '', p.sex, encryptNullable(cipher, 'persons', 'date_of_birth', p.id, p.dateOfBirth),
      p.isDateOfBirthEstimated ? 1 : 0, p.nationality, p.preferredLanguage, p.createdAt, p.updatedAt, p.version);
    for (const t of nameTokenRows(cipher, p.id, p.givenName, p.familyName)) insertToken.run(t.person_id, t.key_id, t.token_hash);
    appendAudit({ action: 'person.create', recordType: 'person', recordId: p.id });
    const c = newCase({ id: uuidv7(), organisationId: orgId, personId: p.id, assignedUserId: userId, now: at });
    insertCase.run(c.id, c.organisationId, c.personId, c.status, c.assignedUserId, c.openedAt, c.closedAt, c.createdAt, c.updatedAt, c.version);
    appendAudit({ action: 'case.create', recordType: 'case', recordId: c.id, details: { personId: c.personId } });
    return c.id;
  });
  const readCase = db.transaction((id: string) => {
    const row = selectCase.get(id) as { id: string } | undefined;
    if (!row) throw new Error(`baseline: case ${id} missing`);
    appendAudit({ action: 'case.read', recordType: 'case', recordId: row.id });
  });

  const readCaseReprepared = db.transaction((id: string) => {
    const row = db.prepare(sql.selectCase).get(id) as { id: string } | undefined;
    if (!row) throw new Error(`baseline: case ${id} missing`);
    appendAudit({ action: 'case.read', recordType: 'case', recordId: row.id }, true);
  });

  // better-sqlite3 runs a transaction function called inside another one as a SAVEPOINT.
  const createBatch = db.transaction((size: number) => {
    for (let k = 0; k < size; k++) ids.push(createCase());
  });
  const readBatch = db.transaction((first: number, size: number) => {
    for (let k = 0; k < size; k++) readCase(pick(first + k));
  });

  const ids: string[] = [];
  // Warm-up: statement caches, page cache, the WAL file's first pages.
  for (let i = 0; i < 200; i++) ids.push(createCase.immediate());
  const create = timeLoop(options.iterations, options.maxMsPerOp, () => ids.push(createCase.immediate()));
  const pick = (i: number) => ids[(i * 7919) % ids.length] as string;
  for (let i = 0; i < 200; i++) readCase.immediate(pick(i));
  const read = timeLoop(options.iterations, options.maxMsPerOp, (i) => readCase.immediate(pick(i)));
  const readNoAudit = timeLoop(options.iterations, options.maxMsPerOp, (i) => {
    if (!selectCase.get(pick(i))) throw new Error('baseline: case missing');
  });
  const readReprepared = timeLoop(options.iterations, options.maxMsPerOp, (i) => readCaseReprepared.immediate(pick(i)));
  const createBatched = timeBatches(options.iterations, options.batchSize, options.maxMsPerOp, (_first, size) => createBatch.immediate(size));
  const readBatched = timeBatches(options.iterations, options.batchSize, options.maxMsPerOp, (first, size) => readBatch.immediate(first, size));
  return { synchronous: options.synchronous, create, read, readNoAudit, readReprepared, createBatched, readBatched, batchSize: options.batchSize };
}

/** What one fdatasync of a freshly written 4 KiB block costs on the disk holding `dir`. */
export function measureFsync(dir: string, iterations: number): OpStats {
  const file = join(dir, 'fsync-probe');
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(4096, 0x5a);
  try {
    const durations: number[] = [];
    const started = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) {
      writeSync(fd, block, 0, block.length, (i % 64) * block.length);
      const t0 = process.hrtime.bigint();
      fdatasyncSync(fd);
      durations.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    return summarise(durations, Number(process.hrtime.bigint() - started) / 1e6);
  } finally {
    closeSync(fd);
    unlinkSync(file);
  }
}
