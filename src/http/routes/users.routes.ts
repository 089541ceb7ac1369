import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { idParamsSchema, pageSchema } from '../../domain/common.schema.js';
import { createUser, disableUser, listUsers } from '../../domain/users/user.commands.js';
import { userCreateSchema, userListQuerySchema, userSchema } from '../../domain/users/user.schema.js';
import { actorOf } from '../auth.hook.js';
import type { HttpContext } from '../context.js';
import { errorResponses, sendResult } from '../problem.js';

export function userRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['users'];
  r.post(
    '/api/v1/users',
    { schema: { tags, summary: 'Create a user (system or organisation administrators)', body: userCreateSchema, response: { 201: userSchema, ...errorResponses } } },
    async (request, reply) => sendResult(reply, await createUser(ctx.deps, actorOf(request), request.body), 201),
  );
  r.get(
    '/api/v1/users',
    { schema: { tags, summary: 'List users', querystring: userListQuerySchema, response: { 200: pageSchema(userSchema), ...errorResponses } } },
    async (request, reply) => sendResult(reply, await listUsers(ctx.deps, actorOf(request), request.query)),
  );
  r.post(
    '/api/v1/users/:id/disable',
    { schema: { tags, summary: 'Disable a user and end their sessions', params: idParamsSchema, response: { 200: userSchema, ...errorResponses } } },
    async (request, reply) => sendResult(reply, await disableUser(ctx.deps, actorOf(request), request.params.id)),
  );
}
