import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParamsSchema, pageSchema, uuidSchema } from '../../domain/common.schema.js';
import { getCase, listCases, openCase, setCaseShare, updateCase } from '../../domain/cases/case.commands.js';
import { addCaseNote, listCaseNotes } from '../../domain/cases/note.commands.js';
import {
  caseCreateSchema,
  caseListQuerySchema,
  caseSchema,
  caseSummarySchema,
  caseUpdateSchema,
  noteCreateSchema,
  noteListQuerySchema,
  noteSchema,
} from '../../domain/cases/case.schema.js';
import { actorOf } from '../auth.hook.js';
import type { HttpContext } from '../context.js';
import { errorResponses, sendResult } from '../problem.js';

export function caseRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['cases'];
  r.post(
    '/api/v1/cases',
    { schema: { tags, summary: 'Open a case (and register its person when `person` is given)', body: caseCreateSchema, response: { 201: caseSchema, ...errorResponses } } },
    async (request, reply) => sendResult(reply, await openCase(ctx.deps, actorOf(request), request.body), 201),
  );
  r.get(
    '/api/v1/cases',
    { schema: { tags, summary: 'List cases, newest first, with filters and name search', querystring: caseListQuerySchema, response: { 200: pageSchema(caseSummarySchema), ...errorResponses } } },
    async (request, reply) => sendResult(reply, await listCases(ctx.deps, actorOf(request), request.query)),
  );
  r.get(
    '/api/v1/cases/:id',
    { schema: { tags, summary: 'Read a case (audited)', params: idParamsSchema, response: { 200: caseSchema, ...errorResponses } } },
    async (request, reply) => sendResult(reply, await getCase(ctx.deps, actorOf(request), request.params.id)),
  );
  r.patch(
    '/api/v1/cases/:id',
    { schema: { tags, summary: 'Change status or assigned caseworker', params: idParamsSchema, body: caseUpdateSchema, response: { 200: caseSchema, ...errorResponses } } },
    async (request, reply) => sendResult(reply, await updateCase(ctx.deps, actorOf(request), request.params.id, request.body)),
  );
  const shareParams = z.strictObject({ id: uuidSchema, userId: uuidSchema });
  const shareResponse = z.object({ caseId: z.string(), userId: z.string(), isShared: z.boolean() });
  r.put(
    '/api/v1/cases/:id/shares/:userId',
    { schema: { tags, summary: 'Share the case with a colleague of the organisation', params: shareParams, response: { 200: shareResponse, ...errorResponses } } },
    async (request, reply) => sendResult(reply, await setCaseShare(ctx.deps, actorOf(request), request.params.id, request.params.userId, true)),
  );
  r.delete(
    '/api/v1/cases/:id/shares/:userId',
    { schema: { tags, summary: 'Stop sharing the case with a colleague', params: shareParams, response: { 200: shareResponse, ...errorResponses } } },
    async (request, reply) => sendResult(reply, await setCaseShare(ctx.deps, actorOf(request), request.params.id, request.params.userId, false)),
  );
  r.post(
    '/api/v1/cases/:id/notes',
    { schema: { tags, summary: 'Add a note to a case', params: idParamsSchema, body: noteCreateSchema, response: { 201: noteSchema, ...errorResponses } } },
    async (request, reply) => sendResult(reply, await addCaseNote(ctx.deps, actorOf(request), request.params.id, request.body), 201),
  );
  r.get(
    '/api/v1/cases/:id/notes',
    { schema: { tags, summary: 'List a case’s notes, newest first (audited)', params: idParamsSchema, querystring: noteListQuerySchema, response: { 200: pageSchema(noteSchema), ...errorResponses } } },
    async (request, reply) => sendResult(reply, await listCaseNotes(ctx.deps, actorOf(request), request.params.id, request.query)),
  );
}
