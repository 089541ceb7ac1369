import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { idParamsSchema, pageSchema } from '../../domain/common.schema.js';
import { z } from 'zod';
import { createUser, disableUser, listUsers } from '../../domain/users/user.commands.js';
import { resetUserSecondFactor, revokeUserSessions, updateUser } from '../../domain/users/user-account.commands.js';
import { userCreateSchema, userListQuerySchema, userSchema, userUpdateSchema } from '../../domain/users/user.schema.js';
import { actorOf } from '../auth.hook.js';
import type { HttpContext } from '../context.js';
import { errorResponses, sendResult } from '../problem.js';

export function userRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['users'];
  r.post(
    '/api/v1/users',
    {
      schema: {
        tags,
        summary: 'Create a user (system or organisation administrators)',
        description: 'A weak password is a 422 `auth.password_too_weak` whose details give the reason: too_short, too_long, common, contains_username.',
        body: userCreateSchema,
        response: { 201: userSchema, ...errorResponses },
      },
    },
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
  r.patch(
    '/api/v1/users/:id',
    {
      schema: {
        tags,
        summary: 'Change a user’s display name or role (administrators within their scope); a role change ends the user’s sessions',
        params: idParamsSchema,
        body: userUpdateSchema,
        response: { 200: userSchema, ...errorResponses },
      },
    },
    async (request, reply) => sendResult(reply, await updateUser(ctx.deps, actorOf(request), request.params.id, request.body)),
  );
  r.post(
    '/api/v1/users/:id/revoke-sessions',
    {
      schema: {
        tags,
        summary: 'End every session of a user (system admins, or organisation admins of the user’s organisation)',
        params: idParamsSchema,
        response: { 200: z.object({ revoked: z.number().int() }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await revokeUserSessions(ctx.deps, actorOf(request), request.params.id);
      return sendResult(reply, result.ok ? { ok: true, value: { revoked: result.value.revoked } } : result);
    },
  );
  r.post(
    '/api/v1/users/:id/reset-two-factor',
    {
      schema: {
        tags,
        summary: 'Remove a user’s second factor (lost phone) and end their sessions; they enrol again at next sign-in',
        params: idParamsSchema,
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => sendResult(reply, await resetUserSecondFactor(ctx.deps, actorOf(request), request.params.id), 204),
  );
}
