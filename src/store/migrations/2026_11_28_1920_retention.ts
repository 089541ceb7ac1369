import type { Kysely } from 'kysely';

/** Retention schedules per organisation, and the mark of a person whose identity was anonymised or erased. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('organisations').addColumn('retention_months', 'integer').execute();
  await db.schema.alterTable('persons').addColumn('anonymised_at', 'text').execute();
}
