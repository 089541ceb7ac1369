import type { Kysely } from 'kysely';

/** Who registered a person: the firewall policy lets a caseworker see the people they registered. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('persons').addColumn('created_by', 'text', (c) => c.references('users.id')).execute();
}
