import type { Actor, UserActor } from '../actor.js';
import type { OrganisationType } from '../orgs/org.schema.js';
import type { PolicyEngine } from '../ports.js';
import type { Role } from '../users/user.schema.js';
import {
  caseEntity,
  DEPLOYMENT,
  organisationEntity,
  personEntity,
  principalOf,
  userEntity,
  type AccessRequest,
  type ActionName,
  type EntityRef,
  type PolicyEntity,
} from './policy.model.js';

/**
 * The built-in policy test suite: what the national policy promises, as scenarios any replacement policy is
 * checked against (`opennrm policy check`). A deployment may loosen or tighten its policy, but a scenario marked
 * `isFirewall` failing means the replacement breaks the firewall, and the check says so.
 */
export interface PolicyScenario {
  readonly name: string;
  readonly request: AccessRequest;
  readonly expect: 'allow' | 'deny';
  readonly isFirewall: boolean;
}

const ORGS: Record<string, { id: string; type: OrganisationType }> = {
  shelter: { id: 'org-shelter', type: 'shelter' },
  ngo: { id: 'org-ngo', type: 'ngo' },
  police: { id: 'org-police', type: 'police' },
  border: { id: 'org-border', type: 'border_guard' },
  immigration: { id: 'org-immigration', type: 'immigration' },
  statistics: { id: 'org-statistics', type: 'statistics_office' },
  coordinator: { id: 'org-coordinator', type: 'national_coordinator' },
};

function user(id: string, org: keyof typeof ORGS, role: Role): UserActor {
  const o = ORGS[org] as { id: string; type: OrganisationType };
  return { kind: 'user', userId: id, organisationId: o.id, organisationType: o.type, role, sessionId: 's', requestId: 'r', purpose: 'case_management' };
}

const amina = user('u-amina', 'shelter', 'caseworker');
const omar = user('u-omar', 'shelter', 'caseworker');
const jonas = user('u-jonas', 'shelter', 'supervisor');
const lucia = user('u-lucia', 'shelter', 'org_admin');
const claire = user('u-claire', 'police', 'caseworker');
const policeChief = user('u-police-chief', 'police', 'supervisor');
const pieter = user('u-pieter', 'border', 'caseworker');
const borderChief = user('u-border-chief', 'border', 'supervisor');
const immigrationOfficer = user('u-imm', 'immigration', 'supervisor');
const mei = user('u-mei', 'statistics', 'analyst');
const sam = user('u-sam', 'coordinator', 'system_admin');
const grace = user('u-grace', 'coordinator', 'dpo');
const operator: Actor = { kind: 'system', name: 'cli:root', requestId: 'r', purpose: 'administration' };

const shelter = ORGS.shelter as { id: string; type: OrganisationType };
const caseOfAmina = caseEntity({ id: 'case-1', organisationId: shelter.id, assignedUserId: amina.userId }, 'shelter');
const unassignedCase = caseEntity({ id: 'case-2', organisationId: shelter.id, assignedUserId: null }, 'shelter');
const ngoCase = caseEntity({ id: 'case-3', organisationId: 'org-ngo', assignedUserId: 'u-ngo-worker' }, 'ngo');
const borderCase = caseEntity({ id: 'case-4', organisationId: 'org-border', assignedUserId: pieter.userId }, 'border_guard');
const consented = { grantees: ['org-police'], noteGrantees: [], identityGrantees: ['org-police'], breakGlassUsers: [] };
const caseWithConsent = caseEntity({ id: 'case-5', organisationId: shelter.id, assignedUserId: amina.userId }, 'shelter', consented);
const caseGrantedToBorder = caseEntity({ id: 'case-6', organisationId: shelter.id, assignedUserId: amina.userId }, 'shelter', {
  grantees: ['org-border', 'org-immigration'],
  noteGrantees: ['org-border', 'org-immigration'],
  identityGrantees: ['org-border'],
  breakGlassUsers: [pieter.userId],
});
const caseWithBreakGlass = caseEntity({ id: 'case-7', organisationId: shelter.id, assignedUserId: amina.userId }, 'shelter', { ...consented, grantees: [], identityGrantees: [], breakGlassUsers: [omar.userId] });
const personWithConsent = personEntity({ id: 'person-3', organisationId: shelter.id, registeredBy: amina.userId }, 'shelter', [amina.userId], consented);
const personOfAmina = personEntity({ id: 'person-1', organisationId: shelter.id, registeredBy: amina.userId }, 'shelter', []);
const personAssignedToAmina = personEntity({ id: 'person-2', organisationId: shelter.id, registeredBy: omar.userId }, 'shelter', [amina.userId]);

function ask(actor: Actor, action: ActionName, resource: readonly PolicyEntity[], context?: Record<string, string | EntityRef>): AccessRequest {
  const principal = principalOf(actor);
  const target = resource[0];
  if (!principal || !target) throw new Error('scenario without principal or resource');
  return { principal: principal.ref, action, resource: target.ref, entities: [...principal.entities, ...resource], ...(context ? { context } : {}) };
}

const deployment: PolicyEntity[] = [{ ref: DEPLOYMENT, attrs: {} }];
const CASE_ACTIONS: ActionName[] = ['case.read', 'case.update', 'case.note.read', 'case.note.create'];

export function builtInScenarios(): PolicyScenario[] {
  const s: PolicyScenario[] = [];
  const add = (name: string, request: AccessRequest, expect: 'allow' | 'deny', isFirewall = false) => s.push({ name, request, expect, isFirewall });

  // The firewall: immigration and border organisations never reach service-provider records.
  for (const actor of [pieter, borderChief, immigrationOfficer]) {
    for (const action of CASE_ACTIONS) {
      add(`${actor.role} of ${actor.organisationType} cannot ${action} a shelter case`, ask(actor, action, caseOfAmina), 'deny', true);
      add(`${actor.role} of ${actor.organisationType} cannot ${action} an NGO case`, ask(actor, action, ngoCase), 'deny', true);
    }
    add(`${actor.role} of ${actor.organisationType} cannot read a person a shelter registered`, ask(actor, 'person.read', personOfAmina), 'deny', true);
  }
  // Criminal justice sees nothing of a service provider without the person's consent or a legal order.
  for (const actor of [claire, policeChief]) {
    add(`police ${actor.role} cannot read a shelter case without consent`, ask(actor, 'case.read', caseOfAmina), 'deny', true);
    add(`police ${actor.role} cannot read a person a shelter registered`, ask(actor, 'person.read', personOfAmina), 'deny', true);
  }
  // Grants: police see what the person consented to, for as long as the grant is valid; immigration never.
  add('police may read a case whose person consented', ask(claire, 'case.read', caseWithConsent), 'allow');
  add('police may read the identity the person consented to share', ask(claire, 'person.read', personWithConsent), 'allow');
  add('police cannot read notes the consent does not cover', ask(claire, 'case.note.read', caseWithConsent), 'deny');
  add('police cannot change a case even with consent', ask(claire, 'case.update', caseWithConsent), 'deny', true);
  for (const actor of [pieter, borderChief, immigrationOfficer]) {
    for (const action of ['case.read', 'case.note.read'] as const) {
      add(`${actor.role} of ${actor.organisationType} cannot ${action} a shelter case even with a grant or break-glass`, ask(actor, action, caseGrantedToBorder), 'deny', true);
    }
  }
  add('a colleague with approved break-glass may read the case', ask(omar, 'case.read', caseWithBreakGlass), 'allow');
  add('break-glass does not allow changing the case', ask(omar, 'case.update', caseWithBreakGlass), 'deny');
  add('nobody approves their own break-glass request', ask(jonas, 'case.break_glass.approve', caseOfAmina, { requester: { type: 'User', id: jonas.userId } }), 'deny', true);
  add('a supervisor approves a colleague\u2019s break-glass request', ask(jonas, 'case.break_glass.approve', caseOfAmina, { requester: { type: 'User', id: omar.userId } }), 'allow');
  add('a caseworker cannot approve break-glass', ask(amina, 'case.break_glass.approve', caseOfAmina, { requester: { type: 'User', id: omar.userId } }), 'deny');
  add('a data protection officer enters legal orders', ask(grace, 'case.grant.legal_order', caseOfAmina), 'allow');
  add('a caseworker cannot enter legal orders', ask(amina, 'case.grant.legal_order', caseOfAmina), 'deny', true);
  add('the assigned caseworker records consent', ask(amina, 'case.grant.consent', caseOfAmina), 'allow');
  add('a police officer cannot record consent for himself', ask(claire, 'case.grant.consent', caseWithConsent), 'deny', true);

  // Analysts and administrators never see case-level data.
  for (const actor of [mei, sam, grace, lucia]) {
    add(`${actor.role} cannot read a case`, ask(actor, 'case.read', caseOfAmina), 'deny', true);
    add(`${actor.role} cannot read a person`, ask(actor, 'person.read', personOfAmina), 'deny', true);
  }

  // Case work inside the organisation.
  for (const action of CASE_ACTIONS) {
    add(`caseworker may ${action} a case assigned to her`, ask(amina, action, caseOfAmina), 'allow');
    add(`caseworker cannot ${action} a colleague's case`, ask(omar, action, caseOfAmina), 'deny');
    add(`supervisor may ${action} any case of the organisation`, ask(jonas, action, unassignedCase), 'allow');
    add(`supervisor cannot ${action} another organisation's case`, ask(jonas, action, ngoCase), 'deny', true);
  }
  add('caseworker may read a case a colleague shared with her', ask(omar, 'case.read', caseEntity({ id: 'case-8', organisationId: shelter.id, assignedUserId: amina.userId, sharedWith: [omar.userId] }, 'shelter')), 'allow');
  add('a case shared with a border officer stays closed to him', ask(pieter, 'case.read', caseEntity({ id: 'case-9', organisationId: shelter.id, assignedUserId: amina.userId, sharedWith: [pieter.userId] }, 'shelter')), 'deny', true);
  add('caseworker cannot read an unassigned case', ask(amina, 'case.read', unassignedCase), 'deny');
  add('border officer may work on his own organisation\u2019s case', ask(pieter, 'case.read', borderCase), 'allow');
  add('caseworker may read a person she registered', ask(amina, 'person.read', personOfAmina), 'allow');
  add('caseworker may read a person whose case is assigned to her', ask(amina, 'person.read', personAssignedToAmina), 'allow');
  add('caseworker cannot read a person of a colleague', ask(omar, 'person.read', personOfAmina), 'deny');
  add('supervisor may read any person of the organisation', ask(jonas, 'person.update', personOfAmina), 'allow');
  add('caseworker may open cases in her organisation', ask(amina, 'case.create', [organisationEntity(shelter)]), 'allow');
  add('caseworker cannot open cases in another organisation', ask(amina, 'case.create', [organisationEntity({ id: 'org-ngo', type: 'ngo' })]), 'deny', true);
  add('analyst cannot register people', ask(mei, 'person.create', [organisationEntity({ id: 'org-statistics', type: 'statistics_office' })]), 'deny');

  // Administration.
  add('organisation admin may create a caseworker in her organisation', ask(lucia, 'user.create', [organisationEntity(shelter)], { role: 'caseworker' }), 'allow');
  add('organisation admin cannot create a system admin', ask(lucia, 'user.create', [organisationEntity(shelter)], { role: 'system_admin' }), 'deny', true);
  add('organisation admin cannot create users elsewhere', ask(lucia, 'user.create', [organisationEntity({ id: 'org-ngo', type: 'ngo' })], { role: 'caseworker' }), 'deny', true);
  add('organisation admin may disable her organisation\u2019s caseworker', ask(lucia, 'user.disable', userEntity({ id: amina.userId, role: 'caseworker' }, shelter)), 'allow');
  add('organisation admin cannot disable a system admin', ask(lucia, 'user.disable', userEntity({ id: 'u-root', role: 'system_admin' }, shelter)), 'deny', true);
  add('organisation admin may rename her organisation\u2019s caseworker', ask(lucia, 'user.update', userEntity({ id: amina.userId, role: 'caseworker' }, shelter), { role: 'caseworker' }), 'allow');
  add('organisation admin cannot promote anyone to system admin', ask(lucia, 'user.update', userEntity({ id: amina.userId, role: 'caseworker' }, shelter), { role: 'system_admin' }), 'deny', true);
  add('organisation admin cannot reset another organisation\u2019s user', ask(lucia, 'user.reset_second_factor', userEntity({ id: 'u-ngo', role: 'caseworker' }, { id: 'org-ngo', type: 'ngo' })), 'deny', true);
  add('system admin may end anyone\u2019s sessions', ask(sam, 'user.revoke_sessions', userEntity({ id: amina.userId, role: 'caseworker' }, shelter)), 'allow');
  add('a data protection officer erases an identity on request', ask(grace, 'person.erase', personOfAmina), 'allow');
  add('the holding organisation\u2019s supervisor erases an identity on request', ask(jonas, 'person.erase', personOfAmina), 'allow');
  add('a caseworker cannot erase an identity', ask(amina, 'person.erase', personOfAmina), 'deny');
  add('a border guard cannot erase a shelter\u2019s records', ask(borderChief, 'person.erase', personOfAmina), 'deny', true);
  add('the console operator runs the retention job', ask(operator, 'retention.run', deployment), 'allow');
  add('a caseworker cannot run the retention job', ask(amina, 'retention.run', deployment), 'deny');
  add('an organisation admin sets her organisation\u2019s retention', ask(lucia, 'organisation.update', [organisationEntity(shelter)]), 'allow');
  add('an organisation admin cannot set another organisation\u2019s retention', ask(lucia, 'organisation.update', [organisationEntity({ id: 'org-ngo', type: 'ngo' })]), 'deny');
  add('system admin may create organisations', ask(sam, 'organisation.create', deployment), 'allow');
  add('caseworker cannot create organisations', ask(amina, 'organisation.create', deployment), 'deny');
  add('console operator may create organisations', ask(operator, 'organisation.create', deployment), 'allow');
  add('data protection officer reads the audit trail', ask(grace, 'audit.read', deployment), 'allow');
  add('system admin cannot read the audit trail', ask(sam, 'audit.read', deployment), 'deny');
  add('caseworker cannot read the audit trail', ask(amina, 'audit.read', deployment), 'deny');
  return s;
}

export interface SuiteResult {
  readonly total: number;
  readonly failures: ReadonlyArray<{ readonly name: string; readonly expected: 'allow' | 'deny'; readonly isFirewall: boolean; readonly error?: string }>;
}

/** Runs every scenario against a policy engine. */
export function runPolicySuite(engine: Pick<PolicyEngine, 'isAllowed'>, scenarios = builtInScenarios()): SuiteResult {
  const failures: Array<SuiteResult['failures'][number]> = [];
  for (const scenario of scenarios) {
    try {
      const decision = engine.isAllowed(scenario.request) ? 'allow' : 'deny';
      if (decision !== scenario.expect) failures.push({ name: scenario.name, expected: scenario.expect, isFirewall: scenario.isFirewall });
    } catch (error) {
      failures.push({ name: scenario.name, expected: scenario.expect, isFirewall: scenario.isFirewall, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return { total: scenarios.length, failures };
}
