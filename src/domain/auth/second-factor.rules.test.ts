import { describe, expect, it } from 'vitest';
import { ORGANISATION_TYPES, sectorOf, type OrganisationType } from '../orgs/org.schema.js';
import { ROLES, type Role } from '../users/user.schema.js';
import {
  isFullSession,
  isPendingVerificationTooOld,
  isSecondFactorRequired,
  secondFactorState,
  SECOND_FACTOR_STATES,
} from './second-factor.rules.js';

describe('who must use a second factor', () => {
  const required = (role: Role, type: OrganisationType) => isSecondFactorRequired({ role }, type, 'default');

  it('is every supervisor, organisation admin, system admin and data protection officer, wherever they work', () => {
    for (const type of ORGANISATION_TYPES) {
      for (const role of ['supervisor', 'org_admin', 'system_admin', 'dpo'] as const) expect(required(role, type), `${role} at ${type}`).toBe(true);
    }
  });

  it('is everybody in criminal justice and immigration enforcement', () => {
    for (const type of ['police', 'prosecution', 'court', 'immigration', 'border_guard'] as const) {
      for (const role of ROLES) expect(required(role, type), `${role} at ${type}`).toBe(true);
    }
  });

  it('is nobody else: caseworkers and analysts of service providers, inspectorates, coordinators and statistics offices', () => {
    const others = ORGANISATION_TYPES.filter((t) => !['criminal_justice', 'immigration_enforcement'].includes(sectorOf(t)));
    expect(others).toEqual(expect.arrayContaining(['shelter', 'ngo', 'labour_inspection', 'national_coordinator', 'statistics_office']));
    for (const type of others) {
      expect(required('caseworker', type), type).toBe(false);
      expect(required('analyst', type), type).toBe(false);
    }
  });

  it('is nobody when the deployment turns the requirement off (development only)', () => {
    for (const type of ORGANISATION_TYPES) for (const role of ROLES) expect(isSecondFactorRequired({ role }, type, 'off')).toBe(false);
  });
});

describe('second-factor state of a session', () => {
  it('follows enrolment, requirement and what the session proved', () => {
    expect(secondFactorState({ isRequired: false, isEnrolled: false, assurance: 'password' })).toBe('not_required');
    expect(secondFactorState({ isRequired: true, isEnrolled: false, assurance: 'password' })).toBe('required_enrol');
    expect(secondFactorState({ isRequired: true, isEnrolled: true, assurance: 'password' })).toBe('required_verify');
    expect(secondFactorState({ isRequired: true, isEnrolled: true, assurance: 'totp' })).toBe('verified');
  });

  it('asks for the code of a user who turned it on voluntarily', () => {
    expect(secondFactorState({ isRequired: false, isEnrolled: true, assurance: 'password' })).toBe('required_verify');
  });

  it('gives a full session only when nothing is missing', () => {
    expect(SECOND_FACTOR_STATES.filter(isFullSession)).toEqual(['not_required', 'verified']);
  });

  it('ends a session that waits too long for its code', () => {
    const created = '2026-11-28T12:00:00.000Z';
    expect(isPendingVerificationTooOld('required_verify', created, new Date('2026-11-28T12:09:59.000Z'))).toBe(false);
    expect(isPendingVerificationTooOld('required_verify', created, new Date('2026-11-28T12:10:00.000Z'))).toBe(true);
    expect(isPendingVerificationTooOld('required_enrol', created, new Date('2026-11-28T13:00:00.000Z'))).toBe(false);
  });
});
