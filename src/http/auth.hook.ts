import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticate } from '../domain/auth/auth.commands.js';
import { isFullSession, type SecondFactorState } from '../domain/auth/second-factor.rules.js';
import type { UserActor } from '../domain/actor.js';
import { purposeSchema, type Purpose } from '../domain/common.schema.js';
import type { SessionContext } from '../domain/ports.js';
import type { HttpContext } from './context.js';
import { readCookie, sessionCookieName } from './cookies.js';
import { HttpProblem } from './problem.js';

declare module 'fastify' {
  interface FastifyRequest {
    actor: UserActor | undefined;
    sessionContext: SessionContext | undefined;
    secondFactor: SecondFactorState | undefined;
  }
  interface FastifyContextConfig {
    /**
     * The states short of a full session in which this route may still be called (the second-factor steps,
     * the session itself and sign-out). Routes that do not list any refuse such sessions.
     */
    readonly allowedBeforeSecondFactor?: readonly SecondFactorState[];
  }
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The purpose a client declares for its request (`X-OpenNRM-Purpose`), audited with every access. */
export function requestPurpose(request: FastifyRequest, fallback: Purpose): Purpose {
  const raw = request.headers['x-opennrm-purpose'];
  if (raw === undefined) return fallback;
  const parsed = purposeSchema.safeParse(raw);
  if (!parsed.success) throw new HttpProblem('request.invalid', [{ path: 'header.x-opennrm-purpose', message: 'unknown purpose' }]);
  return parsed.data;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Authenticates every request of the scope it is added to, before the body is even parsed: a session cookie,
 * then for writes the CSRF token of that session in `X-CSRF-Token`, then the second factor: a session that still
 * owes one (or must set one up) reaches only the routes that allow it, everything else is a 403
 * `auth.second_factor_required`.
 */
export function requireSession(app: FastifyInstance, ctx: HttpContext): void {
  app.decorateRequest('actor', undefined);
  app.decorateRequest('sessionContext', undefined);
  app.decorateRequest('secondFactor', undefined);
  app.addHook('onRequest', async (request) => {
    const token = readCookie(request.headers.cookie, sessionCookieName(ctx.cookie.secure));
    if (!token) throw new HttpProblem('auth.unauthenticated');
    const purpose = requestPurpose(request, 'case_management');
    const result = await authenticate(ctx.deps, token, { requestId: request.id, purpose });
    if (!result.ok) throw new HttpProblem(result.error);
    if (UNSAFE_METHODS.has(request.method)) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !sameToken(sent, result.value.context.session.csrfToken)) {
        throw new HttpProblem('auth.csrf_failed');
      }
    }
    const { secondFactor } = result.value;
    if (!isFullSession(secondFactor) && !(request.routeOptions.config.allowedBeforeSecondFactor ?? []).includes(secondFactor)) {
      throw new HttpProblem('auth.second_factor_required');
    }
    request.actor = result.value.actor;
    request.sessionContext = result.value.context;
    request.secondFactor = secondFactor;
  });
}

/** The signed-in actor of a request in a `requireSession` scope. */
export function actorOf(request: FastifyRequest): UserActor {
  if (!request.actor) throw new HttpProblem('auth.unauthenticated');
  return request.actor;
}
