import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import { uuidv7 } from '../shared/ids.js';
import type { ErrorCode } from '../shared/errors.js';
import { requireSession } from './auth.hook.js';
import type { HttpContext } from './context.js';
import { HttpProblem, sendProblem, type ProblemDetail } from './problem.js';
import { addSecurityHeaders, securityHeaders } from './security-headers.js';
import { accountRoutes } from './routes/account.routes.js';
import { publicAuthRoutes, sessionAuthRoutes } from './routes/auth.routes.js';
import { anonymousReportRoutes } from './routes/anonymous-reports.routes.js';
import { auditRoutes } from './routes/audit.routes.js';
import { caseRoutes } from './routes/cases.routes.js';
import { grantRoutes } from './routes/grants.routes.js';
import { healthRoutes } from './routes/health.routes.js';
import { organisationRoutes } from './routes/organisations.routes.js';
import { personRoutes } from './routes/persons.routes.js';
import { userRoutes } from './routes/users.routes.js';

export interface ServerOptions {
  readonly bodyLimitBytes: number;
  readonly trustProxy: boolean;
  readonly hsts: boolean;
  readonly version: string;
}

const REQUEST_ID_RE = /^[A-Za-z0-9._-]{8,64}$/;

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'request.too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'request.unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'request.malformed_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'request.malformed_json',
};

/** Maps any error that reaches Fastify to the one error format. Unexpected ones are a 500 and a log line. */
function classify(error: FastifyError): { code: ErrorCode; details?: ProblemDetail[] } {
  if (error instanceof HttpProblem) return { code: error.code, ...(error.details ? { details: [...error.details] } : {}) };
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = error.validationContext ?? 'request';
    return {
      code: 'request.invalid',
      details: error.validation.slice(0, 20).map((v) => ({ path: `${where}${v.instancePath.replaceAll('/', '.')}`.replace(/\.$/, ''), message: v.message ?? 'invalid' })),
    };
  }
  const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
  if (mapped) return { code: mapped };
  if (error instanceof SyntaxError && error.statusCode === 400) return { code: 'request.malformed_json' };
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) return { code: 'request.invalid' };
  return { code: 'internal' };
}

/** Builds the HTTP server: security headers, one error format, public routes, then routes behind a session. */
export async function buildServer(ctx: HttpContext, options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.logger.child({ category: 'http' }) as FastifyBaseLogger,
    // Fastify's own request lines would log URLs (names in paths and queries): ours below log route patterns.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimitBytes,
    trustProxy: options.trustProxy,
    genReqId: (req) => {
      const sent = req.headers['x-request-id'];
      return typeof sent === 'string' && REQUEST_ID_RE.test(sent) ? sent : uuidv7();
    },
    routerOptions: { maxParamLength: 200 },
    // URLs the router cannot even decode (bad %-escapes, over-long parameters) are answered here, before any hook
    // runs: in the one error format, with the same headers, and without echoing the URL (paths can hold names).
    frameworkErrors: (_error, request, reply) => {
      reply.headers({ ...securityHeaders({ hsts: options.hsts }), 'X-Request-Id': request.id });
      return sendProblem(reply, 'request.invalid', [{ path: 'url', message: 'not a valid address' }]);
    },
  });
  // The API speaks JSON only: any other body is a 415, not a string handed to validation.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'OpenNRM API',
        version: options.version,
        description: 'National referral mechanism: identification, referral, protection. Every read of a person or case is audited.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'opennrm_session' },
          csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('X-Request-Id', request.id);
  });
  // Logs the route pattern, never the URL: paths and query strings can hold names.
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'request',
    );
  });
  addSecurityHeaders(app, { hsts: options.hsts });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const { code, details } = classify(error);
    // The logger's own `err` serializer (log/logger.ts) keeps type, code and stack frames, never the message.
    if (code === 'internal') request.log.error({ err: error }, 'unexpected error');
    return sendProblem(reply, code, details);
  });
  app.setNotFoundHandler((_request, reply) => sendProblem(reply, 'route.not_found'));

  healthRoutes(app, ctx);
  publicAuthRoutes(app, ctx);
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(async (scope) => {
    requireSession(scope, ctx);
    sessionAuthRoutes(scope, ctx);
    accountRoutes(scope, ctx);
    organisationRoutes(scope, ctx);
    userRoutes(scope, ctx);
    personRoutes(scope, ctx);
    caseRoutes(scope, ctx);
    auditRoutes(scope, ctx);
    grantRoutes(scope, ctx);
    anonymousReportRoutes(scope, ctx);
  });
  await app.ready();
  return app;
}
