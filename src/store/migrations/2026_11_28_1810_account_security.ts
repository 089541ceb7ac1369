import type { Kysely } from 'kysely';

/**
 * Account security (issue #3 item 8): TOTP two-factor authentication on users, and what each session proved.
 * Additive only. One column per ALTER: SQLite takes a single ADD COLUMN per statement.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Sealed with the field cipher by the user repository (user.store.ts).
  await db.schema.alterTable('users').addColumn('totp_secret', 'text').execute();
  // Null while an enrolment waits for its first code, or when the user has no second factor.
  await db.schema.alterTable('users').addColumn('totp_enabled_at', 'text').execute();
  // The last accepted time step (replay protection). Steps are about 5.9e7 today: an integer holds them for ages.
  await db.schema.alterTable('users').addColumn('totp_last_step', 'integer').execute();
  // Sessions opened before this migration proved a password only: users who now need a second factor are asked
  // for it on their next request instead of keeping a full session.
  await db.schema
    .alterTable('sessions')
    .addColumn('assurance', 'text', (c) => c.notNull().defaultTo('password'))
    .execute();
}
