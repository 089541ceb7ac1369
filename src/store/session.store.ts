import type { Kysely, Selectable } from 'kysely';
import type { SessionAssurance } from '../domain/auth/second-factor.rules.js';
import type { Session, SessionRepo } from '../domain/ports.js';
import type { OrganisationType } from '../domain/orgs/org.schema.js';
import type { Database, SessionRow } from './database.js';
import { toUser } from './user.store.js';

const SESSION_COLUMNS = ['id', 'user_id', 'csrf_token', 'created_at', 'expires_at', 'last_seen_at', 'revoked_at', 'assurance'] as const;

function toSession(row: Pick<Selectable<SessionRow>, (typeof SESSION_COLUMNS)[number]>): Session {
  return {
    id: row.id,
    userId: row.user_id,
    csrfToken: row.csrf_token,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastSeenAt: row.last_seen_at,
    revokedAt: row.revoked_at,
    assurance: row.assurance as SessionAssurance,
  };
}

export function sessionRepo(db: Kysely<Database>): SessionRepo {
  return {
    async insert(s) {
      await db
        .insertInto('sessions')
        .values({
          id: s.id,
          token_hash: s.tokenHash,
          user_id: s.userId,
          csrf_token: s.csrfToken,
          created_at: s.createdAt,
          expires_at: s.expiresAt,
          last_seen_at: s.lastSeenAt,
          revoked_at: s.revokedAt,
          assurance: s.assurance,
        })
        .execute();
    },
    async findContext(tokenHash) {
      const row = await db
        .selectFrom('sessions as s')
        .innerJoin('users as u', 'u.id', 's.user_id')
        .innerJoin('organisations as o', 'o.id', 'u.organisation_id')
        .select([
          's.id as session_id',
          's.user_id',
          's.csrf_token',
          's.created_at as session_created_at',
          's.expires_at',
          's.last_seen_at',
          's.revoked_at',
          's.assurance',
          'u.id',
          'u.organisation_id',
          'u.username',
          'u.display_name',
          'u.role',
          'u.is_disabled',
          'u.is_demo',
          'u.created_at',
          'u.totp_enabled_at',
          'o.name as organisation_name',
          'o.type as organisation_type',
        ])
        .where('s.token_hash', '=', tokenHash)
        .executeTakeFirst();
      if (!row) return undefined;
      return {
        session: {
          id: row.session_id,
          userId: row.user_id,
          csrfToken: row.csrf_token,
          createdAt: row.session_created_at,
          expiresAt: row.expires_at,
          lastSeenAt: row.last_seen_at,
          revokedAt: row.revoked_at,
          assurance: row.assurance as SessionAssurance,
        },
        user: toUser(row),
        organisation: {
          id: row.organisation_id,
          name: row.organisation_name,
          type: row.organisation_type as OrganisationType,
        },
        isTotpEnabled: row.totp_enabled_at !== null,
      };
    },
    async touch(id, at) {
      await db.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', id).execute();
    },
    async revoke(id, at) {
      await db.updateTable('sessions').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).execute();
    },
    async revokeAllForUser(userId, at, exceptSessionId) {
      // Sessions past their absolute expiry are unusable already; leaving them out keeps the count honest.
      let q = db
        .updateTable('sessions')
        .set({ revoked_at: at })
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', at);
      if (exceptSessionId) q = q.where('id', '!=', exceptSessionId);
      const result = await q.executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    async findById(id) {
      const row = await db.selectFrom('sessions').select(SESSION_COLUMNS).where('id', '=', id).executeTakeFirst();
      return row && toSession(row);
    },
    async listOpenForUser(userId, now, limit) {
      const rows = await db
        .selectFrom('sessions')
        .select(SESSION_COLUMNS)
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toSession);
    },
  };
}
