import { z } from 'zod';
import { isoTimestampSchema, uuidSchema } from '../common.schema.js';

/** What a grant opens: case data (status, dates), the case notes, the person's identity. */
export const GRANT_CATEGORIES = ['case', 'notes', 'identity'] as const;
export const GRANT_PURPOSES = ['criminal_investigation', 'prosecution', 'victim_protection', 'legal_proceedings'] as const;
export type GrantKind = 'consent' | 'legal_order' | 'break_glass';

const categoriesSchema = z
  .array(z.enum(GRANT_CATEGORIES))
  .min(1)
  .max(GRANT_CATEGORIES.length)
  .refine((c) => new Set(c).size === c.length, 'each category once');

const grantBase = {
  granteeOrganisationId: uuidSchema.describe('the police or prosecution organisation that may see the data'),
  purpose: z.enum(GRANT_PURPOSES),
  categories: categoriesSchema,
  expiresAt: isoTimestampSchema.describe('when the grant ends by itself (at most a year ahead)'),
};

/** The person's consent, recorded by their caseworker: who gave it and how it was explained. */
export const consentGrantSchema = z.strictObject({
  ...grantBase,
  givenBy: z.enum(['person', 'guardian']).describe('a guardian for a child, with the child’s views recorded'),
  explainedInLanguage: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'BCP 47 language tag'),
  isInterpreterUsed: z.boolean(),
  childViews: z.string().trim().min(1).max(2000).optional(),
});
export type ConsentGrantInput = z.infer<typeof consentGrantSchema>;

/** A court or prosecutor's order, entered by a data protection officer with its reference. */
export const legalOrderGrantSchema = z.strictObject({ ...grantBase, reference: z.string().trim().min(3).max(200) });
export type LegalOrderGrantInput = z.infer<typeof legalOrderGrantSchema>;

export const revokeGrantSchema = z.strictObject({ reason: z.string().trim().min(3).max(500) });

export const breakGlassRequestSchema = z.strictObject({
  reason: z.string().trim().min(10).max(1000),
  minutes: z.number().int().min(15).max(240).default(60).describe('how long the access lasts once approved'),
});
export type BreakGlassRequestInput = z.infer<typeof breakGlassRequestSchema>;

export const grantParamsSchema = z.strictObject({ id: uuidSchema, grantId: uuidSchema });

export const accessGrantSchema = z.object({
  id: uuidSchema,
  caseId: uuidSchema,
  kind: z.enum(['consent', 'legal_order', 'break_glass']),
  granteeOrganisationId: uuidSchema.nullable(),
  granteeUserId: uuidSchema.nullable(),
  purpose: z.string().nullable(),
  categories: z.array(z.string()),
  reference: z.string().nullable(),
  consentGivenBy: z.string().nullable(),
  explainedInLanguage: z.string().nullable(),
  isInterpreterUsed: z.boolean().nullable(),
  childViews: z.string().nullable(),
  reason: z.string().nullable(),
  durationMinutes: z.number().int().nullable(),
  createdBy: uuidSchema.nullable(),
  createdAt: isoTimestampSchema,
  approvedBy: uuidSchema.nullable(),
  approvedAt: isoTimestampSchema.nullable(),
  expiresAt: isoTimestampSchema,
  revokedAt: isoTimestampSchema.nullable(),
  revokedBy: uuidSchema.nullable(),
  revocationReason: z.string().nullable(),
});
export type AccessGrant = z.infer<typeof accessGrantSchema>;
