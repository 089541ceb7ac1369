import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { searchAudit } from '../../domain/audit/audit.commands.js';
import { auditEventSchema, auditSearchQuerySchema } from '../../domain/audit/audit.query.js';
import { actorOf } from '../auth.hook.js';
import type { HttpContext } from '../context.js';
import { errorResponses, sendResult } from '../problem.js';

export function auditRoutes(app: FastifyInstance, ctx: HttpContext): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/v1/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Search the audit trail (data protection officers); the search is audited',
        querystring: auditSearchQuerySchema,
        response: { 200: z.object({ items: z.array(auditEventSchema), nextCursor: z.string().nullable() }), ...errorResponses },
      },
    },
    async (request, reply) => sendResult(reply, await searchAudit(ctx.deps, actorOf(request), request.query)),
  );
}
