import { z } from 'zod';
import type { FastifyReply } from 'fastify';
import type { ErrorCode } from '../shared/errors.js';
import type { FailureDetail, Result } from '../shared/result.js';
import { ERROR_TABLE } from './error-table.js';

export interface ProblemDetail {
  readonly path: string;
  readonly message: string;
}

/** The one error format of the API. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});

/** Thrown from hooks to answer with an error body; routes return Results instead. */
export class HttpProblem extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly details?: readonly ProblemDetail[],
  ) {
    super(code);
  }
}

export function problemBody(code: ErrorCode, details?: readonly ProblemDetail[]) {
  return { error: { code, message: ERROR_TABLE[code].message, ...(details?.length ? { details: [...details] } : {}) } };
}

export function sendProblem(reply: FastifyReply, code: ErrorCode, details?: readonly ProblemDetail[]): FastifyReply {
  return reply.code(ERROR_TABLE[code].status).type('application/json').send(problemBody(code, details));
}

/** A command's failure details as problem details: commands name input fields, which arrive in the body. */
export function detailsOf(result: { readonly details?: readonly FailureDetail[] }): ProblemDetail[] | undefined {
  return result.details?.map((d) => ({ path: `body.${d.field}`, message: d.reason }));
}

/** Sends a command's Result: the value with `status`, or the error (and its details) through the table. */
export function sendResult<T>(reply: FastifyReply, result: Result<T, ErrorCode>, status = 200): FastifyReply {
  if (!result.ok) return sendProblem(reply, result.error, detailsOf(result));
  return status === 204 ? reply.code(204).send() : reply.code(status).send(result.value);
}

/** Error responses for the OpenAPI document of a route. */
export const errorResponses = {
  400: errorBodySchema,
  401: errorBodySchema,
  403: errorBodySchema,
  404: errorBodySchema,
  409: errorBodySchema,
  422: errorBodySchema,
} as const;
