import { z } from 'zod';
import { countryCodeSchema, isoTimestampSchema, uuidSchema } from '../common.schema.js';

/**
 * Organisation types. The firewall (issue #3) reasons on the sector each type belongs to, so a country can add
 * a type without touching the policy as long as it maps it to a sector.
 */
export const ORGANISATION_TYPES = [
  'ngo',
  'shelter',
  'health',
  'legal_aid',
  'child_protection',
  'hotline',
  'labour_inspection',
  'police',
  'prosecution',
  'court',
  'immigration',
  'border_guard',
  'national_coordinator',
  'statistics_office',
] as const;
export const organisationTypeSchema = z.enum(ORGANISATION_TYPES);
export type OrganisationType = z.infer<typeof organisationTypeSchema>;

export type Sector =
  | 'service_provider'
  | 'labour_inspection'
  | 'criminal_justice'
  | 'immigration_enforcement'
  | 'coordination'
  | 'statistics';

const SECTOR_OF: Record<OrganisationType, Sector> = {
  ngo: 'service_provider',
  shelter: 'service_provider',
  health: 'service_provider',
  legal_aid: 'service_provider',
  child_protection: 'service_provider',
  hotline: 'service_provider',
  labour_inspection: 'labour_inspection',
  police: 'criminal_justice',
  prosecution: 'criminal_justice',
  court: 'criminal_justice',
  immigration: 'immigration_enforcement',
  border_guard: 'immigration_enforcement',
  national_coordinator: 'coordination',
  statistics_office: 'statistics',
};

export function sectorOf(type: OrganisationType): Sector {
  return SECTOR_OF[type];
}

/** The organisation types of a sector (the inverse of sectorOf). */
export function typesOfSector(sector: string): OrganisationType[] {
  return ORGANISATION_TYPES.filter((t) => SECTOR_OF[t] === sector);
}

export const organisationCreateSchema = z.strictObject({
  name: z.string().trim().min(2).max(200),
  type: organisationTypeSchema,
  country: countryCodeSchema.optional(),
});
export type OrganisationCreateInput = z.infer<typeof organisationCreateSchema>;

export const organisationSchema = z.object({
  id: uuidSchema,
  name: z.string(),
  type: organisationTypeSchema,
  sector: z.enum([
    'service_provider',
    'labour_inspection',
    'criminal_justice',
    'immigration_enforcement',
    'coordination',
    'statistics',
  ]),
  country: z.string().nullable(),
  isDemo: z.boolean(),
  createdAt: isoTimestampSchema,
  /** Months an identity is kept after the person's last case closed; null = the deployment's default. */
  retentionMonths: z.number().int().nullable().optional(),
});
export type Organisation = z.infer<typeof organisationSchema>;
