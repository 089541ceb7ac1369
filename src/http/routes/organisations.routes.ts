import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { idParamsSchema, pageQueryShape, pageSchema } from '../../domain/common.schema.js';
import { createOrganisation, getOrganisation, listOrganisations } from '../../domain/orgs/org.commands.js';
import { organisationCreateSchema, organisationSchema } from '../../domain/orgs/org.schema.js';
import { retentionUpdateSchema, setRetention } from '../../domain/retention/retention.commands.js';
import { actorOf } from '../auth.hook.js';
import type { HttpContext } from '../context.js';
import { errorResponses, sendResult } from '../problem.js';

const listQuerySchema = z.strictObject(pageQueryShape(50));

export function organisationRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['organisations'];
  r.post(
    '/api/v1/organisations',
    { schema: { tags, summary: 'Create an organisation (system administrators)', body: organisationCreateSchema, response: { 201: organisationSchema, ...errorResponses } } },
    async (request, reply) => sendResult(reply, await createOrganisation(ctx.deps, actorOf(request), request.body), 201),
  );
  r.get(
    '/api/v1/organisations',
    { schema: { tags, summary: 'List organisations', querystring: listQuerySchema, response: { 200: pageSchema(organisationSchema), ...errorResponses } } },
    async (request, reply) => sendResult(reply, await listOrganisations(ctx.deps, actorOf(request), request.query)),
  );
  r.patch(
    '/api/v1/organisations/:id',
    { schema: { tags, summary: 'Set the organisation’s retention schedule', params: idParamsSchema, body: retentionUpdateSchema, response: { 200: organisationSchema, ...errorResponses } } },
    async (request, reply) => sendResult(reply, await setRetention(ctx.deps, actorOf(request), request.params.id, request.body.retentionMonths)),
  );
  r.get(
    '/api/v1/organisations/:id',
    { schema: { tags, summary: 'Read an organisation', params: idParamsSchema, response: { 200: organisationSchema, ...errorResponses } } },
    async (request, reply) => sendResult(reply, await getOrganisation(ctx.deps, actorOf(request), request.params.id)),
  );
}
