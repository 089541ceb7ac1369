import type { Kysely } from 'kysely';
import type { MetaRepo } from '../domain/ports.js';
import type { Database } from './database.js';

export function metaRepo(db: Kysely<Database>): MetaRepo {
  return {
    async get(key) {
      const row = await db.selectFrom('deployment_meta').select('value').where('key', '=', key).executeTakeFirst();
      return row?.value;
    },
    async set(key, value) {
      await db
        .insertInto('deployment_meta')
        .values({ key, value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
        .execute();
    },
  };
}
