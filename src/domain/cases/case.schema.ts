import { z } from 'zod';
import { pageQueryShape, isoTimestampSchema, uuidSchema } from '../common.schema.js';
import { personInputSchema } from '../persons/person.schema.js';

export const CASE_STATUSES = ['open', 'follow_up', 'closed', 'closed_referred'] as const;
export const caseStatusSchema = z.enum(CASE_STATUSES);
export type CaseStatus = z.infer<typeof caseStatusSchema>;

/** Open a case for a registered person (`personId`) or register the person with it (`person`), not both. */
export const caseCreateSchema = z
  .strictObject({
    personId: uuidSchema.optional(),
    person: personInputSchema.optional(),
    assignedUserId: uuidSchema.nullable().optional(),
  })
  .refine((c) => (c.personId === undefined) !== (c.person === undefined), {
    message: 'give exactly one of personId and person',
    path: ['personId'],
  });
export type CaseCreateInput = z.infer<typeof caseCreateSchema>;

export const caseUpdateSchema = z
  .strictObject({
    status: caseStatusSchema,
    assignedUserId: uuidSchema.nullable(),
    expectedVersion: z.number().int().min(1),
  })
  .partial()
  .refine((p) => p.status !== undefined || p.assignedUserId !== undefined, 'at least one field to change');
export type CaseUpdateInput = z.infer<typeof caseUpdateSchema>;

export const caseListQuerySchema = z.strictObject({
  status: caseStatusSchema.optional(),
  assignedTo: z.union([uuidSchema, z.literal('me'), z.literal('none')]).optional(),
  personId: uuidSchema.optional(),
  q: z.string().trim().min(1).max(100).optional().describe('words of the person name: all must match, whole words, case and accents ignored'),
  ...pageQueryShape(25),
});
export type CaseListQuery = z.infer<typeof caseListQuerySchema>;

export const caseSchema = z.object({
  id: uuidSchema,
  organisationId: uuidSchema,
  personId: uuidSchema,
  status: caseStatusSchema,
  assignedUserId: uuidSchema.nullable(),
  openedAt: isoTimestampSchema,
  closedAt: isoTimestampSchema.nullable(),
  createdAt: isoTimestampSchema,
  updatedAt: isoTimestampSchema,
  version: z.number().int(),
});
export type Case = z.infer<typeof caseSchema>;

export const caseSummarySchema = caseSchema.extend({
  person: z.object({ id: uuidSchema, givenName: z.string(), familyName: z.string().nullable() }),
});
export type CaseSummary = z.infer<typeof caseSummarySchema>;

export const noteCreateSchema = z.strictObject({ body: z.string().trim().min(1).max(20_000) });
export type NoteCreateInput = z.infer<typeof noteCreateSchema>;

export const noteSchema = z.object({
  id: uuidSchema,
  caseId: uuidSchema,
  authorUserId: uuidSchema.nullable(),
  body: z.string(),
  createdAt: isoTimestampSchema,
});
export type CaseNote = z.infer<typeof noteSchema>;

export const noteListQuerySchema = z.strictObject({
  ...pageQueryShape(50),
});
export type NoteListQuery = z.infer<typeof noteListQuerySchema>;
