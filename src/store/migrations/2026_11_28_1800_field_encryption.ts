import { sql, type Kysely } from 'kysely';

/**
 * Field encryption (ADR 0005): the blind-index table that replaces the clear `persons.name_search`, which is
 * emptied here and no longer written (forward-only and additive: the column stays). The identity columns of
 * existing rows are encrypted after the migrations, at start-up (field-encryption.store.ts), because that needs
 * the key, which migrations do not get.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('person_name_tokens')
    .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('person_name_tokens_pk', ['person_id', 'key_id', 'token_hash'])
    .execute();
  // Lookups go from a token's hash to the people who have it.
  await db.schema.createIndex('person_name_tokens_hash_idx').on('person_name_tokens').columns(['token_hash', 'person_id']).execute();
  await sql`update persons set name_search = ''`.execute(db);
}
