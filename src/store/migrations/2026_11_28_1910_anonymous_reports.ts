import type { Kysely } from 'kysely';

/** Anonymous notifications: counted potential victims with no identifying field at all. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('anonymous_reports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('reporting_organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
    .addColumn('encountered_on', 'text', (c) => c.notNull())
    .addColumn('sex', 'text', (c) => c.notNull())
    .addColumn('age_band', 'text', (c) => c.notNull())
    .addColumn('is_minor_at_exploitation', 'text', (c) => c.notNull())
    .addColumn('citizenship', 'text')
    .addColumn('country_of_exploitation', 'text')
    .addColumn('exploitation_types', 'text', (c) => c.notNull())
    .addColumn('why_anonymous', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}
