import type { Kysely } from 'kysely';

/** Access grants on cases (consent, legal order, break-glass) and notifications to users (DPO alerts). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('access_grants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('grantee_organisation_id', 'text', (c) => c.references('organisations.id'))
    .addColumn('grantee_user_id', 'text', (c) => c.references('users.id'))
    .addColumn('purpose', 'text')
    .addColumn('categories', 'text', (c) => c.notNull())
    .addColumn('reference', 'text')
    .addColumn('consent_given_by', 'text')
    .addColumn('explained_in_language', 'text')
    .addColumn('is_interpreter_used', 'integer')
    .addColumn('child_views', 'text')
    .addColumn('reason', 'text')
    .addColumn('duration_minutes', 'integer')
    .addColumn('created_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('approved_by', 'text', (c) => c.references('users.id'))
    .addColumn('approved_at', 'text')
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('revoked_by', 'text', (c) => c.references('users.id'))
    .addColumn('revocation_reason', 'text')
    .execute();
  await db.schema.createIndex('access_grants_case_idx').on('access_grants').columns(['case_id', 'grantee_organisation_id']).execute();
  await db.schema.createIndex('access_grants_kind_idx').on('access_grants').columns(['kind', 'id']).execute();

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('recipient_user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('record_type', 'text')
    .addColumn('record_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('notifications_recipient_idx').on('notifications').columns(['recipient_user_id', 'id']).execute();
}
