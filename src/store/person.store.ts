import { sql, type Kysely, type Selectable } from 'kysely';
import type { PersonRepo } from '../domain/ports.js';
import { normaliseName } from '../domain/persons/person.rules.js';
import type { Person } from '../domain/persons/person.schema.js';
import type { Database, PersonRow } from './database.js';
import { containsPattern } from './dialect/dialect.js';
import { personGrantAttributes } from './grant.store.js';
import { toPage } from './paging.js';
import { equalsColumn, holderAttributes, optionalColumn, scopeToSql, type AttributeMap } from './scope-sql.js';

function toPerson(row: Selectable<PersonRow>): Person {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    givenName: row.given_name,
    familyName: row.family_name,
    sex: row.sex as Person['sex'],
    dateOfBirth: row.date_of_birth,
    isDateOfBirthEstimated: row.is_date_of_birth_estimated === 1,
    nationality: row.nationality,
    preferredLanguage: row.preferred_language,
    registeredBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

function toRow(p: Person): Selectable<PersonRow> {
  return {
    id: p.id,
    organisation_id: p.organisationId,
    given_name: p.givenName,
    family_name: p.familyName,
    // TODO(#3): identity fields are encrypted at rest and exact search moves to keyed blind indexes.
    name_search: normaliseName(p.givenName, p.familyName),
    sex: p.sex,
    date_of_birth: p.dateOfBirth,
    is_date_of_birth_estimated: p.isDateOfBirthEstimated ? 1 : 0,
    nationality: p.nationality,
    preferred_language: p.preferredLanguage,
    created_by: p.registeredBy,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    version: p.version,
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
        sql`exists (select 1 from cases as pc where pc.person_id = ${sql.ref('persons.id')} and pc.assigned_user_id = ${userId})`,
    },
    ...personGrantAttributes('persons.id', now),
  };
}

export function personRepo(db: Kysely<Database>): PersonRepo {
  return {
    async assigneesOf(personId) {
      const rows = await db
        .selectFrom('cases')
        .select('assigned_user_id')
        .distinct()
        .where('person_id', '=', personId)
        .where('assigned_user_id', 'is not', null)
        .execute();
      return rows.map((r) => r.assigned_user_id as string);
    },
    async insert(person) {
      await db.insertInto('persons').values(toRow(person)).execute();
    },
    async findById(id) {
      const row = await db.selectFrom('persons').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toPerson(row);
    },
    async update(person, expectedVersion) {
      const { id: _id, organisation_id: _org, created_at: _c, created_by: _b, ...changes } = toRow(person);
      const result = await db
        .updateTable('persons')
        .set(changes)
        .where('id', '=', person.id)
        .where('version', '=', expectedVersion)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async list({ scope, now, nameQuery, limit, cursor }) {
      let q = db
        .selectFrom('persons')
        .selectAll()
        .where(scopeToSql(scope, personAttributes(now)))
        .orderBy('id', 'desc')
        .limit(limit + 1);
      if (nameQuery) q = q.where(sql<boolean>`name_search like ${containsPattern(nameQuery)} escape '\\'`);
      if (cursor) q = q.where('id', '<', cursor);
      return toPage(await q.execute(), limit, toPerson);
    },
  };
}
