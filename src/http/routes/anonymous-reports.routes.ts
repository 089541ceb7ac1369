import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { pageSchema } from '../../domain/common.schema.js';
import { fileAnonymousReport, listAnonymousReports } from '../../domain/reports/anonymous-report.commands.js';
import { anonymousReportInputSchema, anonymousReportListQuerySchema, anonymousReportSchema } from '../../domain/reports/anonymous-report.schema.js';
import { actorOf } from '../auth.hook.js';
import type { HttpContext } from '../context.js';
import { errorResponses, sendResult } from '../problem.js';

export function anonymousReportRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['anonymous notifications'];
  r.post(
    '/api/v1/anonymous-reports',
    { schema: { tags, summary: 'File an anonymous notification (no identity; for people who did not consent to a referral)', body: anonymousReportInputSchema, response: { 201: anonymousReportSchema, ...errorResponses } } },
    async (request, reply) => sendResult(reply, await fileAnonymousReport(ctx.deps, actorOf(request), request.body), 201),
  );
  r.get(
    '/api/v1/anonymous-reports',
    { schema: { tags, summary: 'List anonymous notifications (national coordinator, DPOs)', querystring: anonymousReportListQuerySchema, response: { 200: pageSchema(anonymousReportSchema), ...errorResponses } } },
    async (request, reply) => sendResult(reply, await listAnonymousReports(ctx.deps, actorOf(request), request.query)),
  );
}
