import type { Person } from '../persons/person.schema.js';

/** What an anonymised person's given name reads; sealed like any name, so the column never shows the difference. */
export const ANONYMISED_NAME = '[anonymised]';

/** Where a person's cases stand, for the retention rule. */
export interface RetentionSummary {
  readonly personId: string;
  readonly retentionMonths: number | null;
  readonly openCases: number;
  readonly lastClosedAt: string | null;
}

export function addMonths(iso: string, months: number): string {
  const d = new Date(iso);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString();
}

/**
 * A person's identity is kept while any of their cases is open, and for the retention period of their
 * organisation (or the deployment's default) after the last one closed. Then it is anonymised.
 */
export function isDueForAnonymisation(s: RetentionSummary, defaultMonths: number, now: string): boolean {
  if (s.openCases > 0 || s.lastClosedAt === null) return false;
  return addMonths(s.lastClosedAt, s.retentionMonths ?? defaultMonths) <= now;
}

/**
 * The person without their identity: names gone, birth date cut to the year (still an age band for statistics),
 * language gone. Sex, nationality and every case attribute stay, so the statistics still count them.
 */
export function anonymisedPerson(p: Person, now: string): Person {
  return {
    ...p,
    givenName: ANONYMISED_NAME,
    familyName: null,
    dateOfBirth: p.dateOfBirth ? p.dateOfBirth.slice(0, 4) : null,
    isDateOfBirthEstimated: p.dateOfBirth ? p.dateOfBirth.length > 4 || p.isDateOfBirthEstimated : p.isDateOfBirthEstimated,
    preferredLanguage: null,
    anonymisedAt: now,
    updatedAt: now,
    version: p.version + 1,
  };
}
