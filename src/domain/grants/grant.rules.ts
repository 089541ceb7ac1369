import type { AccessGrant } from './grant.schema.js';

/** A grant opens access while it is not revoked, not expired and, for break-glass, approved. */
export function isGrantActive(g: Pick<AccessGrant, 'kind' | 'revokedAt' | 'expiresAt' | 'approvedAt'>, now: string): boolean {
  return g.revokedAt === null && g.expiresAt > now && (g.kind !== 'break_glass' || g.approvedAt !== null);
}

/** What the active grants of a case open, as the policy attributes of the case and of its person. */
export interface GrantedAccess {
  readonly grantees: readonly string[];
  readonly noteGrantees: readonly string[];
  readonly identityGrantees: readonly string[];
  readonly breakGlassUsers: readonly string[];
}

export const NO_GRANTS: GrantedAccess = { grantees: [], noteGrantees: [], identityGrantees: [], breakGlassUsers: [] };

export function grantedAccess(grants: readonly AccessGrant[], now: string): GrantedAccess {
  const active = grants.filter((g) => isGrantActive(g, now));
  const orgsWith = (category: string) => [
    ...new Set(active.filter((g) => g.kind !== 'break_glass' && g.granteeOrganisationId && g.categories.includes(category)).map((g) => g.granteeOrganisationId as string)),
  ];
  return {
    grantees: orgsWith('case'),
    noteGrantees: orgsWith('notes'),
    identityGrantees: orgsWith('identity'),
    breakGlassUsers: [...new Set(active.filter((g) => g.kind === 'break_glass' && g.granteeUserId).map((g) => g.granteeUserId as string))],
  };
}

const YEAR_MS = 366 * 24 * 60 * 60 * 1000;

/** A consent or order must end in the future, within a year: consent is renewed, not assumed. */
export function isValidExpiry(expiresAt: string, now: string): boolean {
  const end = Date.parse(expiresAt);
  const start = Date.parse(now);
  return end > start && end - start <= YEAR_MS;
}

/** An unapproved break-glass request lapses after a day. */
export const BREAK_GLASS_PENDING_MINUTES = 24 * 60;
