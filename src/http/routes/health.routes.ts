import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { HttpContext } from '../context.js';

const healthSchema = z.object({ status: z.enum(['ok', 'unavailable']), checks: z.record(z.string(), z.string()).optional() });

/** Liveness (the process answers) and readiness (the database answers and is migrated). */
export function healthRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/healthz', { schema: { tags: ['health'], summary: 'Liveness', response: { 200: healthSchema } } }, async () => ({ status: 'ok' as const }));
  r.get(
    '/readyz',
    { schema: { tags: ['health'], summary: 'Readiness: database reachable and migrated', response: { 200: healthSchema, 503: healthSchema } } },
    async (_request, reply) => {
      const { database, migrations } = await ctx.checkReadiness();
      const isReady = database && migrations;
      return reply.code(isReady ? 200 : 503).send({
        status: isReady ? 'ok' : 'unavailable',
        checks: { database: database ? 'ok' : 'unreachable', migrations: migrations ? 'ok' : 'pending' },
      });
    },
  );
}
