import { z } from 'zod';
import { isoTimestampSchema, uuidSchema } from '../common.schema.js';

/** What a data protection officer can ask of the audit trail. Every filter narrows; none is required. */
export const auditSearchQuerySchema = z.strictObject({
  personId: uuidSchema.optional().describe('events on this person, on any of their cases, and lists that showed them'),
  caseId: uuidSchema.optional(),
  userId: uuidSchema.optional().describe('events by this user'),
  organisationId: uuidSchema.optional().describe('events by users of this organisation'),
  from: isoTimestampSchema.optional(),
  to: isoTimestampSchema.optional(),
  action: z.string().regex(/^[a-z_]+(\.[a-z_]+)*$/).max(64).optional(),
  outcome: z.enum(['success', 'denied', 'failure']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.coerce.number().int().min(1).optional().describe('nextCursor of the previous page (a sequence number)'),
});
export type AuditSearchQuery = z.infer<typeof auditSearchQuerySchema>;

/** The store's filter: record ids already expanded (a person and their cases). */
export interface AuditFilter {
  readonly recordIds?: readonly string[];
  readonly actorUserId?: string | undefined;
  readonly actorOrganisationId?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly action?: string | undefined;
  readonly outcome?: string | undefined;
  readonly limit: number;
  readonly beforeSeq?: number | undefined;
}

export const auditEventSchema = z.object({
  seq: z.number().int(),
  id: z.string(),
  at: z.string(),
  actorKind: z.enum(['user', 'system', 'anonymous']),
  actorUserId: z.string().nullable(),
  actorOrganisationId: z.string().nullable(),
  actorName: z.string().nullable(),
  action: z.string(),
  recordType: z.string().nullable(),
  recordId: z.string().nullable(),
  purpose: z.string(),
  outcome: z.enum(['success', 'denied', 'failure']),
  requestId: z.string(),
  details: z.string().nullable().describe('canonical JSON, as hashed'),
  prevHash: z.string(),
  hash: z.string(),
});
