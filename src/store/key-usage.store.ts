import type { Kysely } from 'kysely';
import type { FieldCipher } from '../domain/ports.js';
import type { Database } from './database.js';

/** What `opennrm keys status` shows: how many stored values and name hashes each key holds. */
export interface KeyUsage {
  /** Encrypted values by key id; values not in the ciphertext format count under 'plaintext'. */
  readonly values: ReadonlyMap<string, number>;
  readonly nameTokens: ReadonlyMap<string, number>;
}

export const PLAINTEXT = 'plaintext';

/**
 * Reads every encrypted column in id-ordered batches (memory stays flat) and counts values by the key id their
 * ciphertext names. Nothing is decrypted: the key id is in the clear part of the format.
 */
export async function fieldKeyUsage(
  db: Kysely<Database>,
  cipher: FieldCipher,
  options: { batchSize?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<KeyUsage> {
  const size = options.batchSize ?? 2000;
  const values = new Map<string, number>();
  const count = (value: string | null) => {
    if (value === null) return;
    const key = cipher.keyIdOf(value) ?? PLAINTEXT;
    values.set(key, (values.get(key) ?? 0) + 1);
  };
  const persons = Number((await db.selectFrom('persons').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const notes = Number((await db.selectFrom('case_notes').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  let done = 0;
  for (let after = ''; ; ) {
    const rows = await db.selectFrom('persons').select(['id', 'given_name', 'family_name', 'date_of_birth']).where('id', '>', after).orderBy('id').limit(size).execute();
    for (const r of rows) [r.given_name, r.family_name, r.date_of_birth].forEach(count);
    done += rows.length;
    options.onProgress?.(done, persons + notes);
    const last = rows[rows.length - 1];
    if (!last || rows.length < size) break;
    after = last.id;
  }
  for (let after = ''; ; ) {
    const rows = await db.selectFrom('case_notes').select(['id', 'body']).where('id', '>', after).orderBy('id').limit(size).execute();
    for (const r of rows) count(r.body);
    done += rows.length;
    options.onProgress?.(done, persons + notes);
    const last = rows[rows.length - 1];
    if (!last || rows.length < size) break;
    after = last.id;
  }
  const tokens = await db.selectFrom('person_name_tokens').select(['key_id', (eb) => eb.fn.countAll().as('n')]).groupBy('key_id').execute();
  return { values, nameTokens: new Map(tokens.map((t) => [t.key_id, Number(t.n)])) };
}
