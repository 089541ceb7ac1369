import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticate } from '../domain/auth/auth.commands.js';
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
 * then for writes the CSRF token of that session in `X-CSRF-Token`.
 */
export function requireSession(app: FastifyInstance, ctx: HttpContext): void {
  app.decorateRequest('actor', undefined);
  app.decorateRequest('sessionContext', undefined);
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
    request.actor = result.value.actor;
    request.sessionContext = result.value.context;
  });
}

/** The signed-in actor of a request in a `requireSession` scope. */
export function actorOf(request: FastifyRequest): UserActor {
  if (!request.actor) throw new HttpProblem('auth.unauthenticated');
  return request.actor;
}
