import { z } from 'zod';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  confirmTotpEnrolment,
  disableSecondFactor,
  startTotpEnrolment,
  verifySecondFactor,
  type UpgradedSession,
} from '../../domain/auth/second-factor.commands.js';
import { listOwnSessions, revokeOwnSession } from '../../domain/auth/session.commands.js';
import { idParamsSchema, isoTimestampSchema, uuidSchema } from '../../domain/common.schema.js';
import { secondFactorStateSchema } from '../../domain/users/user.schema.js';
import type { Result } from '../../shared/result.js';
import type { ErrorCode } from '../../shared/errors.js';
import { actorOf } from '../auth.hook.js';
import type { HttpContext } from '../context.js';
import { serializeSessionCookie } from '../cookies.js';
import { errorResponses, sendProblem, sendResult } from '../problem.js';

const codeBodySchema = z.strictObject({
  code: z.string().trim().regex(/^[0-9]{6}$/, 'the 6 digits the authenticator app shows').describe('current TOTP code'),
});

const enrolmentSchema = z.object({
  secret: z.string().describe('base32 TOTP secret, shown once: type it into an authenticator app'),
  otpauthUri: z.string().describe('the same secret as an otpauth:// URI, for a QR code'),
});

const upgradedSchema = z.object({ csrfToken: z.string(), expiresAt: isoTimestampSchema, secondFactor: secondFactorStateSchema });

const sessionSummarySchema = z.object({
  id: uuidSchema,
  createdAt: isoTimestampSchema,
  lastSeenAt: isoTimestampSchema,
  expiresAt: isoTimestampSchema,
  isCurrent: z.boolean(),
});

const tags = ['auth'];

/**
 * Sends an upgraded session: the new cookie replaces the old one (whose token no longer works) and the body
 * carries the new CSRF token. The cookie lives as long as the session has left.
 */
function sendUpgraded(reply: FastifyReply, ctx: HttpContext, result: Result<UpgradedSession, ErrorCode>): FastifyReply {
  if (!result.ok) return sendResult(reply, result);
  const { token, ...body } = result.value;
  const secondsLeft = (Date.parse(body.expiresAt) - ctx.deps.clock.now().getTime()) / 1000;
  reply.header('Set-Cookie', serializeSessionCookie(token, { ...ctx.cookie, maxAgeSeconds: secondsLeft }));
  return reply.send(body);
}

/** Two-factor authentication (TOTP) and the user's own sessions. */
export function accountRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/v1/auth/totp/enrol',
    {
      config: { allowedBeforeSecondFactor: ['required_enrol'] },
      schema: {
        tags,
        summary: 'Start setting up TOTP two-factor authentication: returns a new secret (again on each call)',
        response: { 200: enrolmentSchema, ...errorResponses },
      },
    },
    async (request, reply) => sendResult(reply, await startTotpEnrolment(ctx.deps, actorOf(request))),
  );
  r.post(
    '/api/v1/auth/totp/enrol/confirm',
    {
      config: { allowedBeforeSecondFactor: ['required_enrol'] },
      schema: {
        tags,
        summary: 'Turn TOTP on with a code from the new secret; replaces the session cookie and CSRF token',
        body: codeBodySchema,
        response: { 200: upgradedSchema, ...errorResponses },
      },
    },
    async (request, reply) => sendUpgraded(reply, ctx, await confirmTotpEnrolment(ctx.deps, actorOf(request), request.body.code)),
  );
  r.post(
    '/api/v1/auth/totp/verify',
    {
      config: { allowedBeforeSecondFactor: ['required_verify'] },
      schema: {
        tags,
        summary: 'Second step of signing in: a current TOTP code; replaces the session cookie and CSRF token',
        description: 'Wrong and replayed codes count towards the account lockout, like wrong passwords.',
        body: codeBodySchema,
        response: { 200: upgradedSchema, 429: errorResponses[400], ...errorResponses },
      },
    },
    async (request, reply) => {
      // The per-address budget of sign-in attempts covers the second step too.
      if (!ctx.loginLimiter.tryAcquire(request.ip)) return sendProblem(reply, 'auth.rate_limited');
      return sendUpgraded(reply, ctx, await verifySecondFactor(ctx.deps, actorOf(request), request.body.code));
    },
  );
  r.post(
    '/api/v1/auth/totp/disable',
    {
      schema: {
        tags,
        summary: 'Turn TOTP off, with a current code (refused when one’s role or organisation requires it)',
        body: codeBodySchema,
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => sendResult(reply, await disableSecondFactor(ctx.deps, actorOf(request), request.body.code), 204),
  );

  r.get(
    '/api/v1/auth/sessions',
    {
      schema: {
        tags,
        summary: 'One’s own open sessions, newest first (no tokens)',
        response: { 200: z.object({ items: z.array(sessionSummarySchema) }), ...errorResponses },
      },
    },
    async (request, reply) => sendResult(reply, await listOwnSessions(ctx.deps, actorOf(request))),
  );
  r.delete(
    '/api/v1/auth/sessions/:id',
    {
      schema: {
        tags,
        summary: 'End one of one’s own sessions (another user’s answers 404)',
        params: idParamsSchema,
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await revokeOwnSession(ctx.deps, actorOf(request), request.params.id);
      if (result.ok && result.value.isCurrent) reply.header('Set-Cookie', serializeSessionCookie('', { ...ctx.cookie, maxAgeSeconds: 0 }));
      return sendResult(reply, result.ok ? { ok: true, value: undefined } : result, 204);
    },
  );
}
