import { z } from 'zod';
import { pageQueryShape, countryCodeSchema, isoTimestampSchema, uuidSchema } from '../common.schema.js';

export const SEXES = ['female', 'male', 'other', 'unknown'] as const;
export const sexSchema = z.enum(SEXES);

/** A date known to the year, the month or the day (YYYY, YYYY-MM, YYYY-MM-DD): people often know only part of it. */
export const partialDateSchema = z
  .string()
  .regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'YYYY, YYYY-MM or YYYY-MM-DD')
  .refine(isValidPartialDate, 'not a calendar date');

function isValidPartialDate(value: string): boolean {
  const [y, m, d] = value.split('-').map(Number);
  if (y === undefined || y < 1900 || y > 2100) return false;
  if (m === undefined) return true;
  if (m < 1 || m > 12) return false;
  if (d === undefined) return true;
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d >= 1 && d <= last;
}

const languageSchema = z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'BCP 47 language tag, e.g. "ti" or "ar-SY"');

/** Identity fields. They live apart from case data (persons table) so they can be protected apart. */
export const personInputSchema = z.strictObject({
  givenName: z.string().trim().min(1).max(200),
  familyName: z.string().trim().min(1).max(200).optional(),
  sex: sexSchema.default('unknown'),
  dateOfBirth: partialDateSchema.optional(),
  isDateOfBirthEstimated: z.boolean().default(false),
  nationality: countryCodeSchema.optional(),
  preferredLanguage: languageSchema.optional(),
});
export type PersonInput = z.infer<typeof personInputSchema>;

/** A change to a person: only the fields given change; null clears an optional field. */
export const personPatchSchema = z
  .strictObject({
    givenName: z.string().trim().min(1).max(200),
    familyName: z.string().trim().min(1).max(200).nullable(),
    sex: sexSchema,
    dateOfBirth: partialDateSchema.nullable(),
    isDateOfBirthEstimated: z.boolean(),
    nationality: countryCodeSchema.nullable(),
    preferredLanguage: languageSchema.nullable(),
    expectedVersion: z.number().int().min(1),
  })
  .partial()
  .refine((p) => Object.keys(p).some((k) => k !== 'expectedVersion'), 'at least one field to change');
export type PersonPatch = z.infer<typeof personPatchSchema>;

export const personListQuerySchema = z.strictObject({
  q: z.string().trim().min(1).max(100).optional().describe('words of the name: all must match, whole words, case and accents ignored'),
  ...pageQueryShape(25),
});
export type PersonListQuery = z.infer<typeof personListQuerySchema>;

export const personSchema = z.object({
  id: uuidSchema,
  organisationId: uuidSchema,
  givenName: z.string(),
  familyName: z.string().nullable(),
  sex: sexSchema,
  dateOfBirth: z.string().nullable(),
  isDateOfBirthEstimated: z.boolean(),
  nationality: z.string().nullable(),
  preferredLanguage: z.string().nullable(),
  registeredBy: uuidSchema.nullable(),
  createdAt: isoTimestampSchema,
  updatedAt: isoTimestampSchema,
  version: z.number().int(),
  /** Set once the identity was anonymised (retention) or erased (a request): names and birth day are gone. */
  anonymisedAt: isoTimestampSchema.nullable().optional(),
});
export type Person = z.infer<typeof personSchema>;
