import type { Kysely } from 'kysely';
import { nameTokens, normaliseName } from '../domain/persons/person.rules.js';
import type { FieldCipher } from '../domain/ports.js';
import type { Database, PersonNameTokenRow } from './database.js';

/**
 * Which columns are encrypted, and how values are bound to their place (ADR 0005). The repositories and the
 * rotation use these helpers, so a value is always encrypted under the same context it is decrypted with.
 */

/** Encrypted columns by table. Sex and nationality stay clear: they are the attributes of aggregate statistics. */
export const ENCRYPTED_COLUMNS = {
  persons: ['given_name', 'family_name', 'date_of_birth'],
  case_notes: ['body'],
} as const;

export type EncryptedTable = keyof typeof ENCRYPTED_COLUMNS;

/** The domain-separation label of the name-word blind index. */
export const NAME_TOKEN_PURPOSE = 'persons.name_token';

/** The authenticated context of a value: its table, column and row. */
export function fieldContext(table: string, column: string, rowId: string): string {
  return `${table}.${column}|${rowId}`;
}

export function encryptField(cipher: FieldCipher, table: string, column: string, rowId: string, value: string): string {
  return cipher.encrypt(value, fieldContext(table, column, rowId));
}

export function encryptNullable(cipher: FieldCipher, table: string, column: string, rowId: string, value: string | null): string | null {
  return value === null ? null : encryptField(cipher, table, column, rowId, value);
}

export function decryptField(cipher: FieldCipher, table: string, column: string, rowId: string, value: string): string {
  return cipher.decrypt(value, fieldContext(table, column, rowId));
}

export function decryptNullable(cipher: FieldCipher, table: string, column: string, rowId: string, value: string | null): string | null {
  return value === null ? null : decryptField(cipher, table, column, rowId, value);
}

/** The blind-index rows of a person's name words, under the current key. */
export function nameTokenRows(cipher: FieldCipher, personId: string, givenName: string, familyName: string | null): PersonNameTokenRow[] {
  return nameTokens(normaliseName(givenName, familyName)).map((token) => {
    const { keyId, hash } = cipher.blindIndex(token, NAME_TOKEN_PURPOSE);
    return { person_id: personId, key_id: keyId, token_hash: hash };
  });
}

/** Replaces a person's name tokens (inside the caller's transaction). */
export async function writeNameTokens(db: Kysely<Database>, personId: string, rows: readonly PersonNameTokenRow[], isNew = false): Promise<void> {
  if (!isNew) await db.deleteFrom('person_name_tokens').where('person_id', '=', personId).execute();
  if (rows.length > 0) await db.insertInto('person_name_tokens').values([...rows]).execute();
}

/**
 * For each word of a normalised name query, the hashes a matching person's token may have (one per key of the
 * ring, so search keeps working while a rotation rewrites the index). Empty when the query has no words.
 */
export function nameQueryCandidates(cipher: FieldCipher, nameQuery: string): string[][] {
  return nameTokens(nameQuery).map((token) => [...cipher.blindIndexCandidates(token, NAME_TOKEN_PURPOSE)]);
}

/** A subquery of the ids of people having a token among `candidates`. */
export function peopleWithToken(db: Kysely<Database>, candidates: readonly string[]) {
  return db.selectFrom('person_name_tokens').select('person_name_tokens.person_id').where('person_name_tokens.token_hash', 'in', [...candidates]);
}
