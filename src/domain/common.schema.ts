import { z } from 'zod';

/** Shared zod pieces. Every object schema is strict: unknown fields are a 400, never silently dropped. */
export const uuidSchema = z.uuid().describe('UUID');

export const countryCodeSchema = z
  .string()
  .regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 code in capitals')
  .describe('ISO 3166-1 alpha-2 country code');

export const isoTimestampSchema = z.iso.datetime({ offset: false }).describe('ISO-8601 UTC timestamp');

/** `limit` (1-100) and `cursor` (the `nextCursor` of the previous page): the query fields of every list. */
export function pageQueryShape(defaultLimit: number) {
  return {
    limit: z.coerce.number().int().min(1).max(100).default(defaultLimit),
    cursor: uuidSchema.optional().describe('nextCursor of the previous page'),
  };
}

export const idParamsSchema = z.strictObject({ id: uuidSchema });

export const PURPOSES = [
  'case_management',
  'supervision',
  'administration',
  'data_protection',
  'audit_review',
  'statistics',
  'authentication',
] as const;
export const purposeSchema = z.enum(PURPOSES);
export type Purpose = z.infer<typeof purposeSchema>;

/** A page of results. `nextCursor` is absent on the last page; totals are never sent (counts can leak). */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}
export const pageSchema = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });
