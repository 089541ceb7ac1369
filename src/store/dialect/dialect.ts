import { SqliteAdapter, sql, type Kysely } from 'kysely';

/** The only place that knows which SQL engine is underneath (DESIGN.md §4). */
export type DialectName = 'sqlite' | 'postgres';

export function dialectOf(db: Kysely<any>): DialectName {
  return db.getExecutor().adapter instanceof SqliteAdapter ? 'sqlite' : 'postgres';
}

/** Triggers that make a table append-only. */
export async function forbidUpdatesAndDeletes(db: Kysely<any>, table: string): Promise<void> {
  if (dialectOf(db) === 'sqlite') {
    for (const op of ['update', 'delete']) {
      await sql
        .raw(
          `CREATE TRIGGER ${table}_no_${op} BEFORE ${op.toUpperCase()} ON ${table} ` +
            `BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`,
        )
        .execute(db);
    }
    return;
  }
  await sql
    .raw(
      `CREATE FUNCTION ${table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ ` +
        `BEGIN RAISE EXCEPTION '${table} is append-only'; END $$`,
    )
    .execute(db);
  await sql
    .raw(
      `CREATE TRIGGER ${table}_no_rewrite BEFORE UPDATE OR DELETE ON ${table} ` +
        `FOR EACH ROW EXECUTE FUNCTION ${table}_append_only()`,
    )
    .execute(db);
}

/**
 * Serialises appends to the audit chain inside a write transaction. SQLite write transactions are already
 * exclusive (BEGIN IMMEDIATE); PostgreSQL takes a transaction-scoped advisory lock, released at commit.
 */
export async function lockAuditChain(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) === 'postgres') await sql`select pg_advisory_xact_lock(727071)`.execute(db);
}
