import type { Kysely, Selectable } from 'kysely';
import type { UserRepo } from '../domain/ports.js';
import type { Role, User, UserCredentials } from '../domain/users/user.schema.js';
import type { Database, UserRow } from './database.js';
import { toPage } from './paging.js';
import { equalsColumn, holderAttributes, scopeToSql } from './scope-sql.js';
import type { FieldCipher } from '../domain/ports.js';
import { decryptField, encryptField } from './field-codec.js';

const PUBLIC_COLUMNS = ['id', 'organisation_id', 'username', 'display_name', 'role', 'is_disabled', 'is_demo', 'created_at'] as const;

export function toUser(row: Pick<Selectable<UserRow>, (typeof PUBLIC_COLUMNS)[number]>): User {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    username: row.username,
    displayName: row.display_name,
    role: row.role as Role,
    isDisabled: row.is_disabled === 1,
    isDemo: row.is_demo === 1,
    createdAt: row.created_at,
  };
}

function toCredentials(row: Selectable<UserRow>): UserCredentials {
  return { ...toUser(row), passwordHash: row.password_hash, failedLogins: row.failed_logins, lockedUntil: row.locked_until };
}

/**
 * TOTP secrets are sealed with the field cipher (bound to the user's row). A value in clear can only come from a
 * development database made before sealing; it is read as is and sealed at its next write.
 */
function openTotpSecret(cipher: FieldCipher, id: string, value: string | null): string | null {
  if (value === null || !cipher.isCiphertext(value)) return value;
  return decryptField(cipher, 'users', 'totp_secret', id, value);
}

export function userRepo(db: Kysely<Database>, cipher: FieldCipher): UserRepo {
  return {
    async insert(user) {
      await db
        .insertInto('users')
        .values({
          id: user.id,
          organisation_id: user.organisationId,
          username: user.username,
          display_name: user.displayName,
          role: user.role,
          password_hash: user.passwordHash,
          is_disabled: user.isDisabled ? 1 : 0,
          is_demo: user.isDemo ? 1 : 0,
          locked_until: null,
          password_changed_at: user.createdAt,
          created_at: user.createdAt,
        })
        .execute();
    },
    async findById(id) {
      const row = await db.selectFrom('users').select(PUBLIC_COLUMNS).where('id', '=', id).executeTakeFirst();
      return row && toUser(row);
    },
    async findCredentials(username) {
      const row = await db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
      return row && toCredentials(row);
    },
    async findCredentialsById(id) {
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toCredentials(row);
    },
    async list({ scope, organisationId, limit, cursor }) {
      const orgAttrs = holderAttributes('users.organisation_id');
      let q = db
        .selectFrom('users')
        .select(PUBLIC_COLUMNS)
        .where(scopeToSql(scope, { ...orgAttrs, __id: equalsColumn('users.organisation_id') }))
        .orderBy('id', 'desc')
        .limit(limit + 1);
      if (organisationId) q = q.where('organisation_id', '=', organisationId);
      if (cursor) q = q.where('id', '<', cursor);
      return toPage(await q.execute(), limit, toUser);
    },
    async recordLoginFailure(id, failedLogins, lockedUntil) {
      await db.updateTable('users').set({ failed_logins: failedLogins, locked_until: lockedUntil }).where('id', '=', id).execute();
    },
    async recordLoginSuccess(id) {
      await db.updateTable('users').set({ failed_logins: 0, locked_until: null }).where('id', '=', id).execute();
    },
    async setPassword(id, passwordHash, at) {
      await db.updateTable('users').set({ password_hash: passwordHash, password_changed_at: at }).where('id', '=', id).execute();
    },
    async setDisabled(id, isDisabled) {
      await db.updateTable('users').set({ is_disabled: isDisabled ? 1 : 0 }).where('id', '=', id).execute();
    },
    async update(id, changes) {
      const set: { display_name?: string; role?: Role } = {};
      if (changes.displayName !== undefined) set.display_name = changes.displayName;
      if (changes.role !== undefined) set.role = changes.role;
      if (Object.keys(set).length === 0) return (await db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
      const result = await db.updateTable('users').set(set).where('id', '=', id).executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async findTotp(id) {
      const row = await db
        .selectFrom('users')
        .select(['totp_secret', 'totp_enabled_at', 'totp_last_step'])
        .where('id', '=', id)
        .executeTakeFirst();
      return row && { secret: openTotpSecret(cipher, id, row.totp_secret), enabledAt: row.totp_enabled_at, lastStep: row.totp_last_step === null ? null : Number(row.totp_last_step) };
    },
    async setTotpPending(id, secret) {
      await db.updateTable('users').set({ totp_secret: encryptField(cipher, 'users', 'totp_secret', id, secret), totp_enabled_at: null, totp_last_step: null }).where('id', '=', id).execute();
    },
    async enableTotp(id, enabledAt, lastStep) {
      await db.updateTable('users').set({ totp_enabled_at: enabledAt, totp_last_step: lastStep }).where('id', '=', id).execute();
    },
    async consumeTotpStep(id, step) {
      const result = await db
        .updateTable('users')
        .set({ totp_last_step: step })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async clearTotp(id) {
      await db.updateTable('users').set({ totp_secret: null, totp_enabled_at: null, totp_last_step: null }).where('id', '=', id).execute();
    },
  };
}
