import { z } from 'zod';
import { countryCodeSchema, isoTimestampSchema, pageQueryShape, uuidSchema } from '../common.schema.js';
import { sexSchema } from '../persons/person.schema.js';

/** CTDC `ageBroad` bands (REFERENCE.md §4.2 [V]); `unknown` when nobody knows. */
export const AGE_BANDS = ['0-8', '9-17', '18-20', '21-23', '24-26', '27-29', '30-38', '39-47', '48+', 'unknown'] as const;

/** Forms of exploitation, on CTDC's `isForcedLabour` / `isSexualExploit` / ... flags (REFERENCE.md §4.2). */
export const EXPLOITATION_TYPES = [
  'forced_labour',
  'sexual_exploitation',
  'domestic_servitude',
  'forced_criminality',
  'forced_begging',
  'forced_marriage',
  'organ_removal',
  'slavery_like_practice',
  'other',
  'unknown',
] as const;

/**
 * An anonymous notification: a potential victim who did not consent to a referral is still counted, with nothing
 * that could identify them (as the UK duty to notify, MS1). No name, no date of birth, no free text.
 */
export const anonymousReportInputSchema = z.strictObject({
  encounteredOn: z.iso.date().describe('the day the person was met (a day, no time)'),
  sex: sexSchema,
  ageBand: z.enum(AGE_BANDS),
  isMinorAtExploitation: z.enum(['yes', 'no', 'unknown']),
  citizenship: countryCodeSchema.optional(),
  countryOfExploitation: countryCodeSchema.optional(),
  exploitationTypes: z.array(z.enum(EXPLOITATION_TYPES)).min(1).max(EXPLOITATION_TYPES.length).refine((t) => new Set(t).size === t.length, 'each type once'),
  whyAnonymous: z.enum(['no_consent_to_referral', 'person_left', 'other']),
});
export type AnonymousReportInput = z.infer<typeof anonymousReportInputSchema>;

export const anonymousReportSchema = anonymousReportInputSchema.extend({
  id: uuidSchema,
  reportingOrganisationId: uuidSchema,
  createdAt: isoTimestampSchema,
  citizenship: z.string().nullable(),
  countryOfExploitation: z.string().nullable(),
});
export type AnonymousReport = z.infer<typeof anonymousReportSchema>;

export const anonymousReportListQuerySchema = z.strictObject(pageQueryShape(50));
