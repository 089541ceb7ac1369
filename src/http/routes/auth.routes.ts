import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { changePassword, login, logout } from '../../domain/auth/auth.commands.js';
import { meSchema, newPasswordSchema, userSchema } from '../../domain/users/user.schema.js';
import { actorOf, requestPurpose } from '../auth.hook.js';
import type { HttpContext } from '../context.js';
import { serializeSessionCookie } from '../cookies.js';
import { errorResponses, sendProblem, sendResult } from '../problem.js';

const loginBodySchema = z.strictObject({
  username: z.string().trim().toLowerCase().min(1).max(128),
  password: z.string().min(1).max(1024),
});

const loginResponseSchema = z.object({ user: userSchema, csrfToken: z.string(), expiresAt: z.string() });

/** Sign-in: public, rate-limited per client address. */
export function publicAuthRoutes(app: FastifyInstance, ctx: HttpContext): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/api/v1/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in; sets the session cookie and returns the CSRF token for writes',
        body: loginBodySchema,
        response: { 200: loginResponseSchema, 429: errorResponses[400], ...errorResponses },
      },
    },
    async (request, reply) => {
      if (!ctx.loginLimiter.tryAcquire(request.ip)) return sendProblem(reply, 'auth.rate_limited');
      const actor = { kind: 'anonymous', requestId: request.id, purpose: requestPurpose(request, 'authentication') } as const;
      const result = await login(ctx.deps, actor, request.body);
      if (!result.ok) return sendProblem(reply, result.error);
      const { token, ...rest } = result.value;
      reply.header('Set-Cookie', serializeSessionCookie(token, ctx.cookie));
      return reply.send(rest);
    },
  );
}

/** Session, sign-out and password change: need a session. */
export function sessionAuthRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/v1/auth/session',
    { schema: { tags: ['auth'], summary: 'The signed-in user, their organisation and the CSRF token', response: { 200: meSchema, ...errorResponses } } },
    async (request) => {
      const context = request.sessionContext;
      if (!context) throw new Error('session scope without a session');
      return { user: context.user, organisation: context.organisation, csrfToken: context.session.csrfToken, expiresAt: context.session.expiresAt };
    },
  );
  r.post(
    '/api/v1/auth/logout',
    { schema: { tags: ['auth'], summary: 'Sign out: ends this session', response: { 204: z.null(), ...errorResponses } } },
    async (request, reply) => {
      const result = await logout(ctx.deps, actorOf(request));
      reply.header('Set-Cookie', serializeSessionCookie('', { ...ctx.cookie, maxAgeSeconds: 0 }));
      return sendResult(reply, result, 204);
    },
  );
  r.post(
    '/api/v1/auth/password',
    {
      schema: {
        tags: ['auth'],
        summary: 'Change one’s password; ends every other session',
        body: z.strictObject({ currentPassword: z.string().min(1).max(1024), newPassword: newPasswordSchema }),
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => sendResult(reply, await changePassword(ctx.deps, actorOf(request), request.body), 204),
  );
}
