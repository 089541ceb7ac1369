import { sql, type Kysely } from 'kysely';
import type { FieldCipher } from '../domain/ports.js';
import type { Database } from './database.js';
import { dialectOf } from './dialect/dialect.js';
import { decryptField, ENCRYPTED_COLUMNS, encryptField, fieldContext, nameTokenRows, writeNameTokens } from './field-codec.js';

/**
 * Bulk work on encrypted fields (ADR 0005): sealing the plaintext rows of a database created before field
 * encryption, and rotation to the current key. Both walk the tables in id order, in batches that are each a
 * short transaction of their own, so a running server keeps working in between; a row changed by someone else
 * since it was read is left alone (compare-and-set) and picked up by the next pass.
 */

const CANARY_KEY = 'field_cipher.canary';
const SEALED_KEY = 'field_cipher.sealed_at';
const CANARY_TEXT = 'opennrm field cipher canary';
const canaryContext = fieldContext('deployment_meta', 'value', CANARY_KEY);

/** The configured key ring cannot read this database: refusing to start beats answering every read with a 500. */
export class DataKeyMismatchError extends Error {
  override readonly name = 'DataKeyMismatchError';
}

/** A stored value that looks like ciphertext but does not decrypt: bulk work stops rather than guess. */
export class FieldRewriteError extends Error {
  override readonly name = 'FieldRewriteError';
}

/** 'seal' encrypts plaintext values and leaves ciphertexts as they are; 'rotate' also moves ciphertexts to the current key. */
export type RewriteMode = 'seal' | 'rotate';

export interface RewriteReport {
  /** Rows rewritten. */
  readonly persons: number;
  readonly notes: number;
  /** Encrypted values written, and how many of them were plaintext before. */
  readonly values: number;
  readonly plaintextValues: number;
  readonly nameTokens: number;
  readonly batches: number;
  /** Rows skipped because they changed between read and write; a later pass takes them. */
  readonly conflicts: number;
}

type Counts = { -readonly [K in keyof RewriteReport]: number };

export interface RewriteOptions {
  readonly batchSize?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/** One short write transaction; on SQLite it takes the write lock at BEGIN, like the unit of work. */
async function inBatchTransaction<T>(db: Kysely<Database>, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  if (dialectOf(db) === 'postgres') return db.transaction().execute(work);
  return db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const result = await work(conn);
      await sql`commit`.execute(conn);
      return result;
    } catch (error) {
      await sql`rollback`.execute(conn).catch(() => undefined);
      throw error;
    }
  });
}

const PERSON_COLUMNS = ENCRYPTED_COLUMNS.persons;

/** True (as SQL) when a nullable column holds something other than a ciphertext under the current key. */
function notUnderCurrentKey(column: string, prefix: string) {
  return sql<boolean>`(${sql.ref(column)} is not null and substr(${sql.ref(column)}, 1, ${sql.lit(prefix.length)}) <> ${prefix})`;
}

/** The plaintext of a stored value, and whether it was stored as plaintext. */
function openValue(cipher: FieldCipher, table: string, column: string, rowId: string, stored: string): { plain: string; wasPlain: boolean } {
  if (!cipher.isCiphertext(stored)) return { plain: stored, wasPlain: true };
  try {
    return { plain: decryptField(cipher, table, column, rowId, stored), wasPlain: false };
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'undecryptable';
    throw new FieldRewriteError(`${table}.${column} of row ${rowId}: ${reason}`);
  }
}

function personQuery(db: Kysely<Database>, cipher: FieldCipher, mode: RewriteMode) {
  let q = db.selectFrom('persons').select(['id', 'version', 'given_name', 'family_name', 'date_of_birth']);
  if (mode === 'rotate') {
    const prefix = cipher.currentPrefix;
    q = q.where((eb) =>
      eb.or([
        ...PERSON_COLUMNS.map((column) => notUnderCurrentKey(column, prefix)),
        eb.exists(
          eb.selectFrom('person_name_tokens as t').select('t.person_id').whereRef('t.person_id', '=', 'persons.id').where('t.key_id', '<>', cipher.currentKeyId),
        ),
      ]),
    );
  }
  return q;
}

function noteQuery(db: Kysely<Database>, cipher: FieldCipher, mode: RewriteMode) {
  const q = db.selectFrom('case_notes').select(['id', 'body']);
  return mode === 'rotate' ? q.where(notUnderCurrentKey('body', cipher.currentPrefix)) : q;
}

/** Where a batch ended: the last id it looked at (undefined when the table is done) and how many rows it saw. */
interface BatchEnd {
  readonly after: string | undefined;
  readonly seen: number;
}

async function rewritePersons(trx: Kysely<Database>, cipher: FieldCipher, mode: RewriteMode, after: string, size: number, c: Counts): Promise<BatchEnd> {
  const rows = await personQuery(trx, cipher, mode).where('id', '>', after).orderBy('id').limit(size).execute();
  for (const row of rows) {
    const opened = PERSON_COLUMNS.map((column) => {
      const stored = row[column];
      return { column, ...(stored === null ? { plain: null, wasPlain: false } : openValue(cipher, 'persons', column, row.id, stored)) };
    });
    const plaintext = opened.filter((f) => f.wasPlain).length;
    if (mode === 'seal' && plaintext === 0) continue;
    const next = { given_name: row.given_name, family_name: row.family_name, date_of_birth: row.date_of_birth };
    let written = 0;
    for (const f of opened) {
      if (f.plain === null || (mode === 'seal' && !f.wasPlain)) continue;
      next[f.column] = encryptField(cipher, 'persons', f.column, row.id, f.plain);
      written++;
    }
    // The version guard makes this a compare-and-set: a person updated meanwhile was written under a current key.
    const result = await trx.updateTable('persons').set(next).where('id', '=', row.id).where('version', '=', row.version).executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) {
      c.conflicts++;
      continue;
    }
    const plainOf = (column: (typeof PERSON_COLUMNS)[number]) => opened.find((f) => f.column === column)?.plain ?? null;
    const tokens = nameTokenRows(cipher, row.id, plainOf('given_name') ?? '', plainOf('family_name'));
    await writeNameTokens(trx, row.id, tokens);
    c.persons++;
    c.values += written;
    c.plaintextValues += plaintext;
    c.nameTokens += tokens.length;
  }
  c.batches++;
  return { after: rows.length < size ? undefined : rows[rows.length - 1]?.id, seen: rows.length };
}

async function rewriteNotes(trx: Kysely<Database>, cipher: FieldCipher, mode: RewriteMode, after: string, size: number, c: Counts): Promise<BatchEnd> {
  const rows = await noteQuery(trx, cipher, mode).where('id', '>', after).orderBy('id').limit(size).execute();
  for (const row of rows) {
    const { plain, wasPlain } = openValue(cipher, 'case_notes', 'body', row.id, row.body);
    if (mode === 'seal' && !wasPlain) continue;
    const body = encryptField(cipher, 'case_notes', 'body', row.id, plain);
    // Notes never change, but comparing the old value keeps this safe if they ever do.
    const result = await trx.updateTable('case_notes').set({ body }).where('id', '=', row.id).where('body', '=', row.body).executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) {
      c.conflicts++;
      continue;
    }
    c.notes++;
    c.values++;
    if (wasPlain) c.plaintextValues++;
  }
  c.batches++;
  return { after: rows.length < size ? undefined : rows[rows.length - 1]?.id, seen: rows.length };
}

/**
 * Other sealed columns (ADR 0005 addendum): TOTP secrets, the free text of grants. No name index, no version: the
 * rewrite compares every column's old value (compare-and-set), as for notes.
 */
const OTHER_SEALED = [
  { table: 'users', columns: ['totp_secret'] },
  { table: 'access_grants', columns: ['child_views', 'reason', 'revocation_reason'] },
] as const;
type OtherSealed = (typeof OTHER_SEALED)[number];

function otherQuery(db: Kysely<Database>, cipher: FieldCipher, mode: RewriteMode, target: OtherSealed) {
  // Dynamic table and column names: typed loosely here, each value still goes through the same cipher and context.
  const loose = db as unknown as Kysely<Record<string, Record<string, string | null>>>;
  const q = loose.selectFrom(target.table).select(['id', ...target.columns]);
  const prefix = cipher.currentPrefix;
  return mode === 'rotate'
    ? q.where(() => sql<boolean>`(${sql.join(target.columns.map((c) => notUnderCurrentKey(c, prefix)), sql` or `)})`)
    : q.where(() => sql<boolean>`(${sql.join(target.columns.map((c) => sql`${sql.ref(c)} is not null`), sql` or `)})`);
}

function rewriteOther(target: OtherSealed) {
  return async (trx: Kysely<Database>, cipher: FieldCipher, mode: RewriteMode, after: string, size: number, c: Counts): Promise<BatchEnd> => {
    const rows = await otherQuery(trx, cipher, mode, target).where('id', '>', after).orderBy('id').limit(size).execute();
    for (const row of rows) {
      const id = row.id as string;
      const set: Record<string, string> = {};
      let plaintext = 0;
      for (const column of target.columns) {
        const stored = row[column];
        if (stored === null || stored === undefined) continue;
        const { plain, wasPlain } = openValue(cipher, target.table, column, id, stored);
        if (mode === 'seal' && !wasPlain) continue;
        set[column] = encryptField(cipher, target.table, column, id, plain);
        if (wasPlain) plaintext++;
      }
      if (Object.keys(set).length === 0) continue;
      const loose = trx as unknown as Kysely<Record<string, Record<string, string | null>>>;
      let update = loose.updateTable(target.table).set(set).where('id', '=', id);
      for (const column of target.columns) update = update.where(column, row[column] === null ? 'is' : '=', row[column] ?? null);
      const result = await update.executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) {
        c.conflicts++;
        continue;
      }
      c.values += Object.keys(set).length;
      c.plaintextValues += plaintext;
    }
    c.batches++;
    return { after: rows.length < size ? undefined : (rows[rows.length - 1]?.id as string | undefined), seen: rows.length };
  };
}

async function countRows(db: Kysely<Database>, cipher: FieldCipher, mode: RewriteMode): Promise<number> {
  const persons = await personQuery(db, cipher, mode).clearSelect().select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  const notes = await noteQuery(db, cipher, mode).clearSelect().select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  let others = 0;
  for (const target of OTHER_SEALED) {
    const n = await otherQuery(db, cipher, mode, target).clearSelect().select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    others += Number(n.n);
  }
  return Number(persons.n) + Number(notes.n) + others;
}

/** Rows that still hold something not under the current key (values or name tokens): zero after a full rotation. */
export function countRowsNotUnderCurrentKey(db: Kysely<Database>, cipher: FieldCipher): Promise<number> {
  return countRows(db, cipher, 'rotate');
}

/**
 * One pass over persons, notes, TOTP secrets and grants' free text: seals plaintext values ('seal') or moves everything to the current key
 * ('rotate', which also seals any plaintext it meets), recomputing the name tokens of every person it rewrites.
 */
export async function rewriteEncryptedFields(db: Kysely<Database>, cipher: FieldCipher, mode: RewriteMode, options: RewriteOptions = {}): Promise<RewriteReport> {
  const size = options.batchSize ?? 200;
  const total = options.onProgress ? await countRows(db, cipher, mode) : 0;
  const c: Counts = { persons: 0, notes: 0, values: 0, plaintextValues: 0, nameTokens: 0, batches: 0, conflicts: 0 };
  let seen = 0;
  for (const rewrite of [rewritePersons, rewriteNotes, ...OTHER_SEALED.map(rewriteOther)]) {
    let after: string | undefined = '';
    while (after !== undefined) {
      const from: string = after;
      const end = await inBatchTransaction(db, (trx) => rewrite(trx, cipher, mode, from, size, c));
      after = end.after;
      seen += end.seen;
      options.onProgress?.(Math.min(seen, total), total);
    }
  }
  if (mode === 'rotate') await inBatchTransaction(db, (trx) => writeCanary(trx, cipher));
  return c;
}

async function writeCanary(db: Kysely<Database>, cipher: FieldCipher): Promise<void> {
  const value = cipher.encrypt(CANARY_TEXT, canaryContext);
  await db.insertInto('deployment_meta').values({ key: CANARY_KEY, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
}

/** Refuses a key ring that cannot decrypt the canary written with this database's data. */
async function checkCanary(db: Kysely<Database>, cipher: FieldCipher): Promise<void> {
  const row = await db.selectFrom('deployment_meta').select('value').where('key', '=', CANARY_KEY).executeTakeFirst();
  if (!row) return;
  let text: string | undefined;
  try {
    text = cipher.decrypt(row.value, canaryContext);
  } catch {
    text = undefined;
  }
  if (text !== CANARY_TEXT) {
    throw new DataKeyMismatchError(
      `the configured data key ring (keys ${cipher.keyIds.join(', ')}) cannot decrypt this database, whose data is under key ` +
        `${cipher.keyIdOf(row.value) ?? 'unknown'}: point OPENNRM_DATA_KEY_FILE or OPENNRM_DATA_KEY at this deployment's keys (ADR 0005)`,
    );
  }
}

/**
 * Start-up step after the migrations: checks that the key ring reads this database, and the first time (a
 * database created before field encryption, or a new one) encrypts every plaintext identity value and builds the
 * name index. Afterwards old plaintext is scrubbed from the files: the SQLite WAL is truncated (freed pages were
 * zeroed by secure_delete, see connect.ts), and PostgreSQL tables are rewritten (VACUUM FULL drops the dead row
 * versions that still hold the plaintext). Returns the sealing report, or undefined when there was nothing to do.
 */
export async function prepareFieldEncryption(db: Kysely<Database>, cipher: FieldCipher, now: string, options: RewriteOptions = {}): Promise<RewriteReport | undefined> {
  await checkCanary(db, cipher);
  const sealed = await db.selectFrom('deployment_meta').select('value').where('key', '=', SEALED_KEY).executeTakeFirst();
  if (sealed) return undefined;
  const report = await rewriteEncryptedFields(db, cipher, 'seal', options);
  await inBatchTransaction(db, async (trx) => {
    await writeCanary(trx, cipher);
    // Two servers starting together may both seal (harmless: compare-and-set per row); the first mark stays.
    await trx.insertInto('deployment_meta').values({ key: SEALED_KEY, value: now }).onConflict((oc) => oc.column('key').doNothing()).execute();
  });
  if (report.values > 0) await scrubFreedSpace(db);
  return report;
}

/** Pushes rewritten data out of the places where the old bytes linger (see prepareFieldEncryption). */
export async function scrubFreedSpace(db: Kysely<Database>): Promise<void> {
  if (dialectOf(db) === 'sqlite') {
    await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
    return;
  }
  await sql`vacuum full persons, case_notes, person_name_tokens`.execute(db);
}
