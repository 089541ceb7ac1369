import { sql, type Kysely, type Selectable } from 'kysely';
import type { FieldCipher, PersonRepo } from '../domain/ports.js';
import type { Person } from '../domain/persons/person.schema.js';
import type { Database, PersonRow } from './database.js';
import { personGrantAttributes } from './grant.store.js';
import {
  decryptField,
  decryptNullable,
  encryptField,
  encryptNullable,
  nameQueryCandidates,
  nameTokenRows,
  peopleWithToken,
  writeNameTokens,
} from './field-codec.js';
import { toPage } from './paging.js';
import { equalsColumn, holderAttributes, optionalColumn, scopeToSql, type AttributeMap } from './scope-sql.js';

function toPerson(row: Selectable<PersonRow>, cipher: FieldCipher): Person {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    givenName: decryptField(cipher, 'persons', 'given_name', row.id, row.given_name),
    familyName: decryptNullable(cipher, 'persons', 'family_name', row.id, row.family_name),
    sex: row.sex as Person['sex'],
    dateOfBirth: decryptNullable(cipher, 'persons', 'date_of_birth', row.id, row.date_of_birth),
    isDateOfBirthEstimated: row.is_date_of_birth_estimated === 1,
    nationality: row.nationality,
    preferredLanguage: row.preferred_language,
    registeredBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
    anonymisedAt: row.anonymised_at,
  };
}

function toRow(p: Person, cipher: FieldCipher): Selectable<PersonRow> {
  return {
    id: p.id,
    organisation_id: p.organisationId,
    given_name: encryptField(cipher, 'persons', 'given_name', p.id, p.givenName),
    family_name: encryptNullable(cipher, 'persons', 'family_name', p.id, p.familyName),
    // Superseded by person_name_tokens (ADR 0005); kept empty because migrations never drop columns.
    name_search: '',
    sex: p.sex,
    date_of_birth: encryptNullable(cipher, 'persons', 'date_of_birth', p.id, p.dateOfBirth),
    is_date_of_birth_estimated: p.isDateOfBirthEstimated ? 1 : 0,
    nationality: p.nationality,
    preferred_language: p.preferredLanguage,
    created_by: p.registeredBy,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    version: p.version,
    anonymised_at: p.anonymisedAt ?? null,
  };
}

/** The policy attributes of a person (policy/opennrm.cedarschema), in SQL over `persons`, grants valid at `now`. */
function personAttributes(now: string): AttributeMap {
  return {
    __id: equalsColumn('persons.id'),
    ...holderAttributes('persons.organisation_id'),
    registeredBy: optionalColumn('persons.created_by'),
    assignees: {
      contains: (userId) =>
        sql`(exists (select 1 from cases as pc where pc.person_id = ${sql.ref('persons.id')} and pc.assigned_user_id = ${userId}) or exists (select 1 from case_shares as ps inner join cases as psc on psc.id = ps.case_id where psc.person_id = ${sql.ref('persons.id')} and ps.user_id = ${userId}))`,
    },
    ...personGrantAttributes('persons.id', now),
  };
}

/** People. Identity fields are encrypted here on write and decrypted on read; the name is searchable by word. */
export function personRepo(db: Kysely<Database>, cipher: FieldCipher): PersonRepo {
  return {
    async anonymise(person) {
      const { id: _id, organisation_id: _org, created_at: _c, created_by: _b, ...changes } = toRow(person, cipher);
      await db.updateTable('persons').set(changes).where('id', '=', person.id).execute();
      await db.deleteFrom('person_name_tokens').where('person_id', '=', person.id).execute();
    },
    async retentionSummaries() {
      const rows = await db
        .selectFrom('persons as p')
        .innerJoin('organisations as o', 'o.id', 'p.organisation_id')
        .innerJoin('cases as c', 'c.person_id', 'p.id')
        .select((eb) => [
          'p.id as person_id',
          'o.retention_months',
          eb.fn.sum<number>(eb.case().when('c.closed_at', 'is', null).then(1).else(0).end()).as('open_cases'),
          eb.fn.max('c.closed_at').as('last_closed_at'),
        ])
        .where('p.anonymised_at', 'is', null)
        .groupBy(['p.id', 'o.retention_months'])
        .execute();
      return rows.map((r) => ({
        personId: r.person_id,
        retentionMonths: r.retention_months === null ? null : Number(r.retention_months),
        openCases: Number(r.open_cases),
        lastClosedAt: r.last_closed_at,
      }));
    },
    async removeFreeText(personId) {
      const caseIds = db.selectFrom('cases').select('id').where('person_id', '=', personId);
      const removed = await db.deleteFrom('case_notes').where('case_id', 'in', caseIds).executeTakeFirst();
      await db.updateTable('access_grants').set({ child_views: null, reason: null, revocation_reason: null }).where('case_id', 'in', caseIds).execute();
      return Number(removed.numDeletedRows);
    },
    async assigneesOf(personId) {
      const assigned = await db
        .selectFrom('cases')
        .select('assigned_user_id')
        .distinct()
        .where('person_id', '=', personId)
        .where('assigned_user_id', 'is not', null)
        .execute();
      const sharing = await db
        .selectFrom('case_shares as s')
        .innerJoin('cases as c', 'c.id', 's.case_id')
        .select('s.user_id')
        .where('c.person_id', '=', personId)
        .execute();
      return [...new Set([...assigned.map((r) => r.assigned_user_id as string), ...sharing.map((r) => r.user_id)])];
    },
    async insert(person) {
      await db.insertInto('persons').values(toRow(person, cipher)).execute();
      await writeNameTokens(db, person.id, nameTokenRows(cipher, person.id, person.givenName, person.familyName), true);
    },
    async findById(id) {
      const row = await db.selectFrom('persons').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toPerson(row, cipher);
    },
    async update(person, expectedVersion) {
      const { id: _id, organisation_id: _org, created_at: _c, created_by: _b, ...changes } = toRow(person, cipher);
      const result = await db
        .updateTable('persons')
        .set(changes)
        .where('id', '=', person.id)
        .where('version', '=', expectedVersion)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return false;
      await writeNameTokens(db, person.id, nameTokenRows(cipher, person.id, person.givenName, person.familyName));
      return true;
    },
    async list({ scope, now, nameQuery, limit, cursor }) {
      let q = db
        .selectFrom('persons')
        .selectAll()
        .where(scopeToSql(scope, personAttributes(now)))
        .orderBy('id', 'desc')
        .limit(limit + 1);
      if (nameQuery !== undefined) {
        const words = nameQueryCandidates(cipher, nameQuery);
        if (words.length === 0) return { items: [], nextCursor: null };
        for (const candidates of words) q = q.where('id', 'in', peopleWithToken(db, candidates));
      }
      if (cursor) q = q.where('id', '<', cursor);
      return toPage(await q.execute(), limit, (row) => toPerson(row, cipher));
    },
  };
}
