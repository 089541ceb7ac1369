import { sql, type Kysely, type Selectable } from 'kysely';
import type { CaseRepo, FieldCipher, NoteRepo } from '../domain/ports.js';
import type { Case, CaseNote, CaseStatus } from '../domain/cases/case.schema.js';
import type { CaseRow, Database } from './database.js';
import { caseGrantAttributes } from './grant.store.js';
import { decryptField, decryptNullable, encryptField, nameQueryCandidates, peopleWithToken } from './field-codec.js';
import { toPage } from './paging.js';
import { equalsColumn, holderAttributes, optionalColumn, scopeToSql, type AttributeMap } from './scope-sql.js';

function toCase(row: Selectable<CaseRow>): Case {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    personId: row.person_id,
    status: row.status as CaseStatus,
    assignedUserId: row.assigned_user_id,
    openedAt: row.opened_at,
    closedAt: row.closed_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

/** The policy attributes of a case (policy/opennrm.cedarschema), in SQL over `cases as c`, grants valid at `now`. */
function caseAttributes(now: string): AttributeMap {
  return {
    __id: equalsColumn('c.id'),
    ...holderAttributes('c.organisation_id'),
    assignee: optionalColumn('c.assigned_user_id'),
    sharedWith: { contains: (userId) => sql`exists (select 1 from case_shares as cs where cs.case_id = c.id and cs.user_id = ${userId})` },
    ...caseGrantAttributes('c.id', now),
  };
}

/** Cases; their lists show the person's name, decrypted here, and search it by word (blind index). */
export function caseRepo(db: Kysely<Database>, cipher: FieldCipher): CaseRepo {
  return {
    async insert(c) {
      await db
        .insertInto('cases')
        .values({
          id: c.id,
          organisation_id: c.organisationId,
          person_id: c.personId,
          status: c.status,
          assigned_user_id: c.assignedUserId,
          opened_at: c.openedAt,
          closed_at: c.closedAt,
          created_at: c.createdAt,
          updated_at: c.updatedAt,
          version: c.version,
        })
        .execute();
    },
    async sharesOf(caseId) {
      return (await db.selectFrom('case_shares').select('user_id').where('case_id', '=', caseId).orderBy('user_id').execute()).map((r) => r.user_id);
    },
    async share(caseId, userId, by, at) {
      const result = await db
        .insertInto('case_shares')
        .values({ case_id: caseId, user_id: userId, shared_by: by, created_at: at })
        .onConflict((oc) => oc.columns(['case_id', 'user_id']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
    },
    async unshare(caseId, userId) {
      const result = await db.deleteFrom('case_shares').where('case_id', '=', caseId).where('user_id', '=', userId).executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },
    async idsOfPerson(personId) {
      const rows = await db.selectFrom('cases').select('id').where('person_id', '=', personId).execute();
      return rows.map((r) => r.id);
    },
    async findById(id) {
      const row = await db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toCase(row);
    },
    async update(c, expectedVersion) {
      const result = await db
        .updateTable('cases')
        .set({
          status: c.status,
          assigned_user_id: c.assignedUserId,
          closed_at: c.closedAt,
          updated_at: c.updatedAt,
          version: c.version,
        })
        .where('id', '=', c.id)
        .where('version', '=', expectedVersion)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async list(f) {
      let q = db
        .selectFrom('cases as c')
        .innerJoin('persons as p', 'p.id', 'c.person_id')
        .selectAll('c')
        .select(['p.given_name', 'p.family_name'])
        .where(scopeToSql(f.scope, caseAttributes(f.now)))
        .orderBy('c.id', 'desc')
        .limit(f.limit + 1);
      if (f.status) q = q.where('c.status', '=', f.status);
      if (f.assignedUserId === null) q = q.where('c.assigned_user_id', 'is', null);
      else if (f.assignedUserId !== undefined) q = q.where('c.assigned_user_id', '=', f.assignedUserId);
      if (f.personId) q = q.where('c.person_id', '=', f.personId);
      if (f.nameQuery !== undefined) {
        const words = nameQueryCandidates(cipher, f.nameQuery);
        if (words.length === 0) return { items: [], nextCursor: null };
        for (const candidates of words) q = q.where('c.person_id', 'in', peopleWithToken(db, candidates));
      }
      if (f.cursor) q = q.where('c.id', '<', f.cursor);
      const rows = await q.execute();
      return toPage(rows, f.limit, (row) => ({
        ...toCase(row),
        person: {
          id: row.person_id,
          givenName: decryptField(cipher, 'persons', 'given_name', row.person_id, row.given_name),
          familyName: decryptNullable(cipher, 'persons', 'family_name', row.person_id, row.family_name),
        },
      }));
    },
  };
}

/** Case notes: free text about a person, so the body is encrypted. */
export function noteRepo(db: Kysely<Database>, cipher: FieldCipher): NoteRepo {
  return {
    async insert(n: CaseNote) {
      await db
        .insertInto('case_notes')
        .values({ id: n.id, case_id: n.caseId, author_user_id: n.authorUserId, body: encryptField(cipher, 'case_notes', 'body', n.id, n.body), created_at: n.createdAt })
        .execute();
    },
    async listForCase(caseId, { limit, cursor }) {
      let q = db.selectFrom('case_notes').selectAll().where('case_id', '=', caseId).orderBy('id', 'desc').limit(limit + 1);
      if (cursor) q = q.where('id', '<', cursor);
      return toPage(await q.execute(), limit, (r) => ({
        id: r.id,
        caseId: r.case_id,
        authorUserId: r.author_user_id,
        body: decryptField(cipher, 'case_notes', 'body', r.id, r.body),
        createdAt: r.created_at,
      }));
    },
  };
}
