import type { Kysely, Selectable } from 'kysely';
import type { OrganisationRepo } from '../domain/ports.js';
import { sectorOf, type Organisation, type OrganisationType } from '../domain/orgs/org.schema.js';
import type { Database, OrganisationRow } from './database.js';
import { toPage } from './paging.js';
import { equalsColumn, organisationTypeAttributes, scopeToSql } from './scope-sql.js';

export function toOrganisation(row: Selectable<OrganisationRow>): Organisation {
  const type = row.type as OrganisationType;
  return {
    id: row.id,
    name: row.name,
    type,
    sector: sectorOf(type),
    country: row.country,
    isDemo: row.is_demo === 1,
    createdAt: row.created_at,
    retentionMonths: row.retention_months,
  };
}

export function organisationRepo(db: Kysely<Database>): OrganisationRepo {
  return {
    async insert(org) {
      await db
        .insertInto('organisations')
        .values({
          id: org.id,
          name: org.name,
          type: org.type,
          country: org.country,
          is_demo: org.isDemo ? 1 : 0,
          created_at: org.createdAt,
        })
        .execute();
    },
    async findById(id) {
      const row = await db.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toOrganisation(row);
    },
    async setRetention(id, months) {
      await db.updateTable('organisations').set({ retention_months: months }).where('id', '=', id).execute();
    },
    async findByName(name) {
      const row = await db.selectFrom('organisations').selectAll().where('name', '=', name).executeTakeFirst();
      return row && toOrganisation(row);
    },
    async list({ scope, limit, cursor }) {
      let q = db
        .selectFrom('organisations')
        .selectAll()
        .where(scopeToSql(scope, { __id: equalsColumn('organisations.id'), ...organisationTypeAttributes('organisations.type') }))
        .orderBy('id', 'desc')
        .limit(limit + 1);
      if (cursor) q = q.where('id', '<', cursor);
      return toPage(await q.execute(), limit, toOrganisation);
    },
  };
}
