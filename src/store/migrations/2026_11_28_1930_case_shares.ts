import type { Kysely } from 'kysely';

/** Cases shared by their caseworker or supervisor with colleagues of the same organisation. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('case_shares')
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('shared_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('case_shares_pk', ['case_id', 'user_id'])
    .execute();
  await db.schema.createIndex('case_shares_user_idx').on('case_shares').columns(['user_id', 'case_id']).execute();
}
