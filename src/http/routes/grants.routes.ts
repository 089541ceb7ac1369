import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { idParamsSchema, pageQueryShape, pageSchema } from '../../domain/common.schema.js';
import {
  approveBreakGlass,
  enterLegalOrder,
  listBreakGlass,
  listGrants,
  recordConsent,
  requestBreakGlass,
  revokeGrant,
} from '../../domain/grants/grant.commands.js';
import {
  accessGrantSchema,
  breakGlassRequestSchema,
  consentGrantSchema,
  grantParamsSchema,
  legalOrderGrantSchema,
  revokeGrantSchema,
} from '../../domain/grants/grant.schema.js';
import { listMyNotifications } from '../../domain/notifications/notification.commands.js';
import { actorOf } from '../auth.hook.js';
import type { HttpContext } from '../context.js';
import { errorResponses, sendResult } from '../problem.js';

/** Consent grants, legal orders and break-glass access on a case; the DPO's review of emergency access. */
export function grantRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['access grants'];
  r.post(
    '/api/v1/cases/:id/consents',
    { schema: { tags, summary: 'Record the person’s consent to share named data with a police or prosecution organisation', params: idParamsSchema, body: consentGrantSchema, response: { 201: accessGrantSchema, ...errorResponses } } },
    async (request, reply) => sendResult(reply, await recordConsent(ctx.deps, actorOf(request), request.params.id, request.body), 201),
  );
  r.post(
    '/api/v1/cases/:id/legal-orders',
    { schema: { tags, summary: 'Enter a legal order giving access (data protection officers)', params: idParamsSchema, body: legalOrderGrantSchema, response: { 201: accessGrantSchema, ...errorResponses } } },
    async (request, reply) => sendResult(reply, await enterLegalOrder(ctx.deps, actorOf(request), request.params.id, request.body), 201),
  );
  r.get(
    '/api/v1/cases/:id/grants',
    { schema: { tags, summary: 'The access grants of a case, valid or not', params: idParamsSchema, response: { 200: z.object({ items: z.array(accessGrantSchema) }), ...errorResponses } } },
    async (request, reply) => {
      const result = await listGrants(ctx.deps, actorOf(request), request.params.id);
      return sendResult(reply, result.ok ? { ok: true, value: { items: result.value } } : result);
    },
  );
  r.post(
    '/api/v1/cases/:id/grants/:grantId/revoke',
    { schema: { tags, summary: 'Withdraw consent, lift an order or end emergency access', params: grantParamsSchema, body: revokeGrantSchema, response: { 200: accessGrantSchema, ...errorResponses } } },
    async (request, reply) => sendResult(reply, await revokeGrant(ctx.deps, actorOf(request), request.params.id, request.params.grantId, request.body.reason)),
  );
  r.post(
    '/api/v1/cases/:id/break-glass',
    { schema: { tags, summary: 'Ask for emergency access to a case, with a reason (needs a second approver)', params: idParamsSchema, body: breakGlassRequestSchema, response: { 201: accessGrantSchema, ...errorResponses } } },
    async (request, reply) => sendResult(reply, await requestBreakGlass(ctx.deps, actorOf(request), request.params.id, request.body), 201),
  );
  r.post(
    '/api/v1/cases/:id/break-glass/:grantId/approve',
    { schema: { tags, summary: 'Approve someone else’s emergency access request', params: grantParamsSchema, response: { 200: accessGrantSchema, ...errorResponses } } },
    async (request, reply) => sendResult(reply, await approveBreakGlass(ctx.deps, actorOf(request), request.params.id, request.params.grantId)),
  );
  r.get(
    '/api/v1/break-glass',
    { schema: { tags, summary: 'Every emergency access request, for data protection officers', querystring: z.strictObject(pageQueryShape(50)), response: { 200: pageSchema(accessGrantSchema), ...errorResponses } } },
    async (request, reply) => sendResult(reply, await listBreakGlass(ctx.deps, actorOf(request), request.query)),
  );
  r.get(
    '/api/v1/notifications',
    {
      schema: {
        tags: ['notifications'],
        summary: 'The signed-in user’s notifications, newest first',
        querystring: z.strictObject(pageQueryShape(50)),
        response: { 200: pageSchema(z.object({ id: z.string(), kind: z.string(), recordType: z.string().nullable(), recordId: z.string().nullable(), createdAt: z.string() })), ...errorResponses },
      },
    },
    async (request, reply) => sendResult(reply, { ok: true, value: await listMyNotifications(ctx.deps, actorOf(request), request.query) }),
  );
}
