import type { Kysely } from 'kysely';
import type { AnonymousReportRepo } from '../domain/ports.js';
import type { AnonymousReport } from '../domain/reports/anonymous-report.schema.js';
import type { Database } from './database.js';
import { toPage } from './paging.js';

export function anonymousReportRepo(db: Kysely<Database>): AnonymousReportRepo {
  return {
    async insert(r) {
      await db
        .insertInto('anonymous_reports')
        .values({
          id: r.id,
          reporting_organisation_id: r.reportingOrganisationId,
          encountered_on: r.encounteredOn,
          sex: r.sex,
          age_band: r.ageBand,
          is_minor_at_exploitation: r.isMinorAtExploitation,
          citizenship: r.citizenship,
          country_of_exploitation: r.countryOfExploitation,
          exploitation_types: JSON.stringify(r.exploitationTypes),
          why_anonymous: r.whyAnonymous,
          created_at: r.createdAt,
        })
        .execute();
    },
    async list({ limit, cursor }) {
      let q = db.selectFrom('anonymous_reports').selectAll().orderBy('id', 'desc').limit(limit + 1);
      if (cursor) q = q.where('id', '<', cursor);
      return toPage(await q.execute(), limit, (row): AnonymousReport => ({
        id: row.id,
        reportingOrganisationId: row.reporting_organisation_id,
        encounteredOn: row.encountered_on,
        sex: row.sex as AnonymousReport['sex'],
        ageBand: row.age_band as AnonymousReport['ageBand'],
        isMinorAtExploitation: row.is_minor_at_exploitation as AnonymousReport['isMinorAtExploitation'],
        citizenship: row.citizenship,
        countryOfExploitation: row.country_of_exploitation,
        exploitationTypes: JSON.parse(row.exploitation_types) as AnonymousReport['exploitationTypes'],
        whyAnonymous: row.why_anonymous as AnonymousReport['whyAnonymous'],
        createdAt: row.created_at,
      }));
    },
  };
}
