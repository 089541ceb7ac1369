import { sectorOf, type OrganisationType, type Sector } from '../orgs/org.schema.js';
import type { Role } from '../users/user.schema.js';

/** `OPENNRM_TOTP_REQUIRED`: `default` applies the rule below; `off` (development and tests only) requires nobody. */
export type TotpRequirement = 'default' | 'off';

/** What a session has proved: the password only, or the password and a one-time code. */
export type SessionAssurance = 'password' | 'totp';
export const SESSION_ASSURANCES = ['password', 'totp'] as const satisfies readonly SessionAssurance[];

/**
 * Where a session stands with the second factor, as the client sees it:
 * - `not_required`: the user has no second factor and needs none: a full session;
 * - `required_enrol`: the user must set one up before doing anything else;
 * - `required_verify`: the user has one, and this session has not yet given a code;
 * - `verified`: the session gave a code: a full session.
 */
export type SecondFactorState = 'not_required' | 'required_enrol' | 'required_verify' | 'verified';
export const SECOND_FACTOR_STATES = ['not_required', 'required_enrol', 'required_verify', 'verified'] as const satisfies readonly SecondFactorState[];

/**
 * Roles whose sessions can change who sees what (supervisors reassign and approve, admins create accounts and
 * grant roles, data protection officers read the audit trail and enter legal orders): a stolen password alone
 * must not be enough to act as them.
 */
const ROLES_REQUIRING_SECOND_FACTOR: ReadonlySet<Role> = new Set<Role>(['supervisor', 'org_admin', 'system_admin', 'dpo']);

/**
 * Sectors on the other side of the firewall: an account of the police, a prosecutor, a court, immigration or a
 * border guard that is taken over is the shortest path from a victim's record to the people the firewall keeps
 * it from, so every account there needs a second factor whatever its role.
 */
const SECTORS_REQUIRING_SECOND_FACTOR: ReadonlySet<Sector> = new Set<Sector>(['criminal_justice', 'immigration_enforcement']);

/** Who must use two-factor authentication. A user may always turn it on voluntarily. */
export function isSecondFactorRequired(user: { readonly role: Role }, organisationType: OrganisationType, requirement: TotpRequirement): boolean {
  if (requirement === 'off') return false;
  return ROLES_REQUIRING_SECOND_FACTOR.has(user.role) || SECTORS_REQUIRING_SECOND_FACTOR.has(sectorOf(organisationType));
}

/**
 * Derived on every request rather than stored, so it follows the account: a role change, an enrolment or a
 * reset takes effect on the next request of every session of the user.
 */
export function secondFactorState(input: { readonly isRequired: boolean; readonly isEnrolled: boolean; readonly assurance: SessionAssurance }): SecondFactorState {
  // Someone who has a second factor must use it, required or not: otherwise turning it on would protect nothing.
  if (input.isEnrolled) return input.assurance === 'totp' ? 'verified' : 'required_verify';
  return input.isRequired ? 'required_enrol' : 'not_required';
}

/** A full session may call every route its role allows; the others only the second-factor steps. */
export function isFullSession(state: SecondFactorState): boolean {
  return state === 'not_required' || state === 'verified';
}

/**
 * A session that has given the password but not yet the code ends after this long: the second step follows the
 * first within seconds, and a half-open session should not wait for hours for someone to guess a code.
 */
export const PENDING_VERIFICATION_MINUTES = 10;

export function isPendingVerificationTooOld(state: SecondFactorState, sessionCreatedAt: string, now: Date): boolean {
  return state === 'required_verify' && now.getTime() - Date.parse(sessionCreatedAt) >= PENDING_VERIFICATION_MINUTES * 60_000;
}
