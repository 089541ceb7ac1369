import { Migrator, sql, type Migration, type MigrationProvider, type Kysely } from 'kysely';
import type { Database } from './database.js';
import { dialectOf } from './dialect/dialect.js';
import * as m0001 from './migrations/2026_11_28_1700_foundation.js';
import * as m0002 from './migrations/2026_11_28_1750_person_registered_by.js';
import * as m0003 from './migrations/2026_11_28_1800_field_encryption.js';
import * as m0004 from './migrations/2026_11_28_1810_account_security.js';
import * as m0005 from './migrations/2026_11_28_1900_access_grants.js';
import * as m0006 from './migrations/2026_11_28_1910_anonymous_reports.js';
import * as m0007 from './migrations/2026_11_28_1920_retention.js';
import * as m0008 from './migrations/2026_11_28_1930_case_shares.js';

/**
 * Every migration, in order. Listed by hand (not read from the folder) so that the built server and the
 * TypeScript sources run the same set. Forward-only and additive.
 */
const MIGRATIONS: Record<string, Migration> = {
  '2026_11_28_1700_foundation': m0001,
  '2026_11_28_1750_person_registered_by': m0002,
  '2026_11_28_1800_field_encryption': m0003,
  '2026_11_28_1810_account_security': m0004,
  '2026_11_28_1900_access_grants': m0005,
  '2026_11_28_1910_anonymous_reports': m0006,
  '2026_11_28_1920_retention': m0007,
  '2026_11_28_1930_case_shares': m0008,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/**
 * A migrator whose bookkeeping tables live in the connection's current schema. Without an explicit schema,
 * kysely 0.28 looks for `kysely_migration` in every schema of a PostgreSQL database, takes another schema's table
 * for its own, then fails on its lock table (seen when test files run side by side, each in its own schema).
 */
async function migratorFor(db: Kysely<Database>): Promise<Migrator> {
  if (dialectOf(db) === 'sqlite') return new Migrator({ db, provider });
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  return new Migrator({ db, provider, ...(schema ? { migrationTableSchema: schema } : {}) });
}

export interface MigrationReport {
  readonly applied: readonly string[];
  readonly total: number;
}

/**
 * Applies pending migrations one at a time, each in its own transaction (kysely 0.28 would otherwise run them
 * all in one).
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationReport> {
  const migrator = await migratorFor(db);
  const applied: string[] = [];
  for (;;) {
    const { error, results } = await migrator.migrateUp();
    if (error) throw error instanceof Error ? error : new Error(String(error));
    const done = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    if (done.length === 0) break;
    applied.push(...done);
  }
  return { applied, total: Object.keys(MIGRATIONS).length };
}

/** Applies migrations up to and including `name`, one at a time: upgrade tests start from an older schema. */
export async function migrateTo(db: Kysely<Database>, name: string): Promise<void> {
  if (!(name in MIGRATIONS)) throw new Error(`no migration ${name}`);
  const migrator = await migratorFor(db);
  for (;;) {
    const executed = (await migrator.getMigrations()).filter((m) => m.executedAt !== undefined).map((m) => m.name);
    if (executed.includes(name)) return;
    const { error, results } = await migrator.migrateUp();
    if (error) throw error instanceof Error ? error : new Error(String(error));
    if (!results?.some((r) => r.status === 'Success')) return;
  }
}

/** Names of migrations not yet applied (for /readyz). */
export async function pendingMigrations(db: Kysely<Database>): Promise<string[]> {
  const all = await (await migratorFor(db)).getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
