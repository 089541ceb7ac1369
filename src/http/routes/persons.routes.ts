import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { erasePerson, eraseRequestSchema } from '../../domain/retention/retention.commands.js';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { idParamsSchema, pageSchema } from '../../domain/common.schema.js';
import { getPerson, listPersons, registerPerson, updatePerson } from '../../domain/persons/person.commands.js';
import { personInputSchema, personListQuerySchema, personPatchSchema, personSchema } from '../../domain/persons/person.schema.js';
import { actorOf } from '../auth.hook.js';
import type { HttpContext } from '../context.js';
import { errorResponses, sendResult } from '../problem.js';

export function personRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['persons'];
  r.post(
    '/api/v1/persons',
    { schema: { tags, summary: 'Register a person', body: personInputSchema, response: { 201: personSchema, ...errorResponses } } },
    async (request, reply) => sendResult(reply, await registerPerson(ctx.deps, actorOf(request), request.body), 201),
  );
  r.get(
    '/api/v1/persons',
    { schema: { tags, summary: 'List or search people by name', querystring: personListQuerySchema, response: { 200: pageSchema(personSchema), ...errorResponses } } },
    async (request, reply) => sendResult(reply, await listPersons(ctx.deps, actorOf(request), request.query)),
  );
  r.get(
    '/api/v1/persons/:id',
    { schema: { tags, summary: 'Read a person (audited)', params: idParamsSchema, response: { 200: personSchema, ...errorResponses } } },
    async (request, reply) => sendResult(reply, await getPerson(ctx.deps, actorOf(request), request.params.id)),
  );
  r.post(
    '/api/v1/persons/:id/erase',
    {
      schema: {
        tags,
        summary: 'Erase a person’s identity on request (DPOs, supervisors of the holding organisation); case attributes stay for statistics',
        params: idParamsSchema,
        body: eraseRequestSchema,
        response: { 200: z.object({ id: z.string(), anonymisedAt: z.string() }), ...errorResponses },
      },
    },
    async (request, reply) => sendResult(reply, await erasePerson(ctx.deps, actorOf(request), request.params.id, request.body.reason)),
  );
  r.patch(
    '/api/v1/persons/:id',
    { schema: { tags, summary: 'Change identity fields', params: idParamsSchema, body: personPatchSchema, response: { 200: personSchema, ...errorResponses } } },
    async (request, reply) => sendResult(reply, await updatePerson(ctx.deps, actorOf(request), request.params.id, request.body)),
  );
}
