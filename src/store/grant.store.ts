import { sql, type Kysely, type Selectable } from 'kysely';
import type { AccessGrant } from '../domain/grants/grant.schema.js';
import type { FieldCipher, GrantRepo, NotificationRepo } from '../domain/ports.js';
import { decryptNullable, encryptField, encryptNullable } from './field-codec.js';
import type { AccessGrantRow, Database } from './database.js';
import { toPage } from './paging.js';
import type { AttributeSql } from './scope-sql.js';

/** Free text on a grant (a child's views, an emergency's reason, a revocation's reason) is sealed like notes. */
const open = (cipher: FieldCipher, r: Selectable<AccessGrantRow>, column: 'child_views' | 'reason' | 'revocation_reason') =>
  decryptNullable(cipher, 'access_grants', column, r.id, r[column]);

function toGrant(r: Selectable<AccessGrantRow>, cipher: FieldCipher): AccessGrant {
  return {
    id: r.id,
    caseId: r.case_id,
    kind: r.kind as AccessGrant['kind'],
    granteeOrganisationId: r.grantee_organisation_id,
    granteeUserId: r.grantee_user_id,
    purpose: r.purpose,
    categories: JSON.parse(r.categories) as string[],
    reference: r.reference,
    consentGivenBy: r.consent_given_by,
    explainedInLanguage: r.explained_in_language,
    isInterpreterUsed: r.is_interpreter_used === null ? null : r.is_interpreter_used === 1,
    childViews: open(cipher, r, 'child_views'),
    reason: open(cipher, r, 'reason'),
    durationMinutes: r.duration_minutes,
    createdBy: r.created_by,
    createdAt: r.created_at,
    approvedBy: r.approved_by,
    approvedAt: r.approved_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
    revokedBy: r.revoked_by,
    revocationReason: open(cipher, r, 'revocation_reason'),
  };
}

export function grantRepo(db: Kysely<Database>, cipher: FieldCipher): GrantRepo {
  const toGrantOf = (r: Selectable<AccessGrantRow>) => toGrant(r, cipher);
  return {
    async insert(g) {
      await db
        .insertInto('access_grants')
        .values({
          id: g.id,
          case_id: g.caseId,
          kind: g.kind,
          grantee_organisation_id: g.granteeOrganisationId,
          grantee_user_id: g.granteeUserId,
          purpose: g.purpose,
          categories: JSON.stringify(g.categories),
          reference: g.reference,
          consent_given_by: g.consentGivenBy,
          explained_in_language: g.explainedInLanguage,
          is_interpreter_used: g.isInterpreterUsed === null ? null : g.isInterpreterUsed ? 1 : 0,
          child_views: encryptNullable(cipher, 'access_grants', 'child_views', g.id, g.childViews),
          reason: encryptNullable(cipher, 'access_grants', 'reason', g.id, g.reason),
          duration_minutes: g.durationMinutes,
          created_by: g.createdBy,
          created_at: g.createdAt,
          approved_by: g.approvedBy,
          approved_at: g.approvedAt,
          expires_at: g.expiresAt,
          revoked_at: g.revokedAt,
          revoked_by: g.revokedBy,
          revocation_reason: encryptNullable(cipher, 'access_grants', 'revocation_reason', g.id, g.revocationReason),
        })
        .execute();
    },
    async findById(id) {
      const row = await db.selectFrom('access_grants').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toGrantOf(row);
    },
    async listForCase(caseId) {
      return (await db.selectFrom('access_grants').selectAll().where('case_id', '=', caseId).orderBy('id', 'desc').execute()).map(toGrantOf);
    },
    async listForPerson(personId) {
      const rows = await db
        .selectFrom('access_grants as g')
        .innerJoin('cases as c', 'c.id', 'g.case_id')
        .selectAll('g')
        .where('c.person_id', '=', personId)
        .execute();
      return rows.map(toGrantOf);
    },
    async approve(id, by, at, expiresAt) {
      await db.updateTable('access_grants').set({ approved_by: by, approved_at: at, expires_at: expiresAt }).where('id', '=', id).execute();
    },
    async revoke(id, by, at, reason) {
      await db
        .updateTable('access_grants')
        .set({ revoked_by: by, revoked_at: at, revocation_reason: encryptField(cipher, 'access_grants', 'revocation_reason', id, reason) })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .execute();
    },
    async listBreakGlass({ limit, cursor }) {
      let q = db.selectFrom('access_grants').selectAll().where('kind', '=', 'break_glass').orderBy('id', 'desc').limit(limit + 1);
      if (cursor) q = q.where('id', '<', cursor);
      return toPage(await q.execute(), limit, toGrantOf);
    },
  };
}

/** SQL twin of isGrantActive (grant.rules.ts): not revoked, not expired, approved when break-glass. */
function activeGrant(now: string) {
  return sql`g.revoked_at is null and g.expires_at > ${now} and (g.kind <> 'break_glass' or g.approved_at is not null)`;
}

/** Grant attributes of a case, over the case id column. */
export function caseGrantAttributes(caseIdColumn: string, now: string): Record<string, AttributeSql> {
  const orgWith = (category: string) => ({
    contains: (orgId: string) =>
      sql`exists (select 1 from access_grants as g where g.case_id = ${sql.ref(caseIdColumn)} and g.kind <> 'break_glass' and g.grantee_organisation_id = ${orgId} and g.categories like ${`%"${category}"%`} and ${activeGrant(now)})`,
  });
  return {
    grantees: orgWith('case'),
    noteGrantees: orgWith('notes'),
    breakGlassUsers: {
      contains: (userId: string) =>
        sql`exists (select 1 from access_grants as g where g.case_id = ${sql.ref(caseIdColumn)} and g.kind = 'break_glass' and g.grantee_user_id = ${userId} and ${activeGrant(now)})`,
    },
  };
}

/** Grant attributes of a person, over any of their cases. */
export function personGrantAttributes(personIdColumn: string, now: string): Record<string, AttributeSql> {
  return {
    grantees: {
      contains: (orgId: string) =>
        sql`exists (select 1 from access_grants as g inner join cases as gc on gc.id = g.case_id where gc.person_id = ${sql.ref(personIdColumn)} and g.kind <> 'break_glass' and g.grantee_organisation_id = ${orgId} and g.categories like ${'%"identity"%'} and ${activeGrant(now)})`,
    },
    breakGlassUsers: {
      contains: (userId: string) =>
        sql`exists (select 1 from access_grants as g inner join cases as gc on gc.id = g.case_id where gc.person_id = ${sql.ref(personIdColumn)} and g.kind = 'break_glass' and g.grantee_user_id = ${userId} and ${activeGrant(now)})`,
    },
  };
}

export function notificationRepo(db: Kysely<Database>): NotificationRepo {
  return {
    async insert(n) {
      await db
        .insertInto('notifications')
        .values({ id: n.id, recipient_user_id: n.recipientUserId, kind: n.kind, record_type: n.recordType, record_id: n.recordId, created_at: n.createdAt })
        .execute();
    },
    async listFor(userId, { limit, cursor }) {
      let q = db.selectFrom('notifications').selectAll().where('recipient_user_id', '=', userId).orderBy('id', 'desc').limit(limit + 1);
      if (cursor) q = q.where('id', '<', cursor);
      return toPage(await q.execute(), limit, (r) => ({
        id: r.id,
        recipientUserId: r.recipient_user_id,
        kind: r.kind,
        recordType: r.record_type,
        recordId: r.record_id,
        createdAt: r.created_at,
      }));
    },
    async dpoRecipients(organisationId) {
      const active = db.selectFrom('users').select('id').where('role', '=', 'dpo').where('is_disabled', '=', 0);
      const own = await active.where('organisation_id', '=', organisationId).execute();
      return (own.length > 0 ? own : await active.execute()).map((r) => r.id);
    },
  };
}
