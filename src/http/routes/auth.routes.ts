import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { changePassword, login, logout } from '../../domain/auth/auth.commands.js';
import { isSecondFactorRequired } from '../../domain/auth/second-factor.rules.js';
import { meSchema, newPasswordSchema, secondFactorStateSchema, userSchema } from '../../domain/users/user.schema.js';
import { actorOf, requestPurpose } from '../auth.hook.js';
import type { HttpContext } from '../context.js';
import { serializeSessionCookie } from '../cookies.js';
import { errorResponses, sendProblem, sendResult } from '../problem.js';

const loginBodySchema = z.strictObject({
  username: z.string().trim().toLowerCase().min(1).max(128),
  password: z.string().min(1).max(1024),
});

const loginResponseSchema = z.object({ user: userSchema, csrfToken: z.string(), expiresAt: z.string(), secondFactor: secondFactorStateSchema });

/** The session itself and sign-out stay reachable while a second factor is owed. */
const BEFORE_SECOND_FACTOR = { allowedBeforeSecondFactor: ['required_enrol', 'required_verify'] } as const;

/** Sign-in: public, rate-limited per client address. */
export function publicAuthRoutes(app: FastifyInstance, ctx: HttpContext): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/api/v1/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in; sets the session cookie and returns the CSRF token for writes',
        description:
          'When `secondFactor` is `required_verify`, the session can only call POST /auth/totp/verify (and /auth/session, ' +
          '/auth/logout) until a code is given; when `required_enrol`, only the TOTP enrolment steps.',
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
    {
      config: BEFORE_SECOND_FACTOR,
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user, their organisation, the CSRF token and where the session stands with the second factor',
        response: { 200: meSchema, ...errorResponses },
      },
    },
    async (request) => {
      const context = request.sessionContext;
      const secondFactor = request.secondFactor;
      if (!context || !secondFactor) throw new Error('session scope without a session');
      return {
        user: context.user,
        organisation: context.organisation,
        csrfToken: context.session.csrfToken,
        expiresAt: context.session.expiresAt,
        secondFactor,
        isSecondFactorRequired: isSecondFactorRequired(context.user, context.organisation.type, ctx.deps.auth.totpRequirement),
      };
    },
  );
  r.post(
    '/api/v1/auth/logout',
    { config: BEFORE_SECOND_FACTOR, schema: { tags: ['auth'], summary: 'Sign out: ends this session', response: { 204: z.null(), ...errorResponses } } },
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
        description: 'A weak new password is a 422 `auth.password_too_weak` whose details give the reason: too_short, too_long, common, contains_username, same_as_current.',
        body: z.strictObject({ currentPassword: z.string().min(1).max(1024), newPassword: newPasswordSchema }),
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => sendResult(reply, await changePassword(ctx.deps, actorOf(request), request.body), 204),
  );
}
