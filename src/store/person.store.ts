import type { Kysely, Selectable } from 'kysely';
import type { FieldCipher, PersonRepo } from '../domain/ports.js';
import type { Person } from '../domain/persons/person.schema.js';
import type { Database, PersonRow } from './database.js';
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
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
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
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    version: p.version,
  };
}

/** People. Identity fields are encrypted here on write and decrypted on read; the name is searchable by word. */
export function personRepo(db: Kysely<Database>, cipher: FieldCipher): PersonRepo {
  return {
    async insert(person) {
      await db.insertInto('persons').values(toRow(person, cipher)).execute();
      await writeNameTokens(db, person.id, nameTokenRows(cipher, person.id, person.givenName, person.familyName), true);
    },
    async findById(id) {
      const row = await db.selectFrom('persons').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toPerson(row, cipher);
    },
    async update(person, expectedVersion) {
      const { id: _id, organisation_id: _org, created_at: _c, ...changes } = toRow(person, cipher);
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
    async list({ organisationId, nameQuery, limit, cursor }) {
      let q = db
        .selectFrom('persons')
        .selectAll()
        .where('organisation_id', '=', organisationId)
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
