import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { UserActor } from '../domain/actor.js';
import { ORGANISATION_TYPES, type OrganisationType } from '../domain/orgs/org.schema.js';
import { builtInScenarios, runPolicySuite } from '../domain/policy/policy.suite.js';
import { caseEntity, principalOf } from '../domain/policy/policy.model.js';
import { evaluateScope } from '../domain/policy/scope.js';
import { ROLES, type Role } from '../domain/users/user.schema.js';
import { cacheableResourceTypes } from './cedar-cache.js';
import { createCedarPolicyEngine, loadPolicySource, validatePolicySource, type PolicySource } from './cedar-policy.js';

const national = loadPolicySource();
const engine = createCedarPolicyEngine(national);
const withPolicies = (policies: string): PolicySource => ({ ...national, policies, origin: 'test' });

describe('the national Cedar policy', () => {
  it('validates against the schema and passes the built-in suite', () => {
    expect(validatePolicySource(national)).toEqual([]);
    const result = runPolicySuite(engine);
    expect(result.failures).toEqual([]);
    expect(result.total).toBeGreaterThan(60);
  });

  it('makes the suite fail, naming the firewall, when a replacement opens service-provider data to border guards', () => {
    const leaky = `${national.policies}\n@id("leak") permit (principal is OpenNRM::User, action, resource is OpenNRM::Case) when { principal.sector == "immigration_enforcement" };`;
    const stillSafe = runPolicySuite(createCedarPolicyEngine(withPolicies(leaky)));
    // The national forbid still holds: a permit cannot override it.
    expect(stillSafe.failures.filter((f) => f.isFirewall)).toEqual([]);
    const withoutFirewall = national.policies.replace(/@id\("firewall-immigration"\)\nforbid/, '@id("firewall-immigration")\npermit');
    const broken = runPolicySuite(createCedarPolicyEngine(withPolicies(`${withoutFirewall}\n@id("leak") permit (principal is OpenNRM::User, action, resource is OpenNRM::Case) when { principal.sector == "immigration_enforcement" };`)));
    expect(broken.failures.some((f) => f.isFirewall && f.name.includes('border'))).toBe(true);
  });

  it('refuses policies that do not parse or do not fit the schema', () => {
    expect(validatePolicySource(withPolicies('permit (principal, action, resource) when { ;'))).not.toEqual([]);
    const wrongAttr = 'permit (principal is OpenNRM::User, action == OpenNRM::Action::"case.read", resource is OpenNRM::Case) when { resource.nationality == "SY" };';
    expect(validatePolicySource(withPolicies(wrongAttr)).join(' ')).toMatch(/nationality/);
    expect(() => createCedarPolicyEngine(withPolicies(wrongAttr))).toThrow(/invalid policy/);
  });

  it('fails closed when a list filter cannot express the policy in SQL', () => {
    const fancy = `${national.policies}\n@id("fancy") permit (principal is OpenNRM::User, action == OpenNRM::Action::"case.list", resource is OpenNRM::Case) when { resource.sector like "serv*" };`;
    const custom = createCedarPolicyEngine(withPolicies(fancy));
    const principal = principalOf(user('caseworker', 'shelter'));
    if (!principal) throw new Error('no principal');
    expect(() => custom.scope({ principal: principal.ref, action: 'case.list', resourceType: 'Case', entities: principal.entities })).toThrow(/cannot filter/);
  });
});

function user(role: Role, type: OrganisationType, org = `org-${type}`, id = `u-${role}-${org}`): UserActor {
  return { kind: 'user', userId: id, organisationId: org, organisationType: type, role, sessionId: 's', requestId: 'r', purpose: 'case_management' };
}

describe('list scopes', () => {
  it('agree with the record-level decision on random principals and cases', () => {
    const orgs = ['org-a', 'org-b', 'org-c'];
    const users = ['u-1', 'u-2', 'u-3'];
    fc.assert(
      fc.property(
        fc.constantFrom(...ROLES),
        fc.constantFrom(...ORGANISATION_TYPES),
        fc.constantFrom(...orgs),
        fc.constantFrom(...users),
        fc.array(fc.record({ org: fc.constantFrom(...orgs), type: fc.constantFrom(...ORGANISATION_TYPES), assignee: fc.option(fc.constantFrom(...users), { nil: null }) }), { minLength: 1, maxLength: 8 }),
        (role, type, orgId, userId, cases) => {
          const actor = user(role, type, orgId, userId);
          const principal = principalOf(actor);
          if (!principal) return;
          const scope = engine.scope({ principal: principal.ref, action: 'case.list', resourceType: 'Case', entities: principal.entities });
          cases.forEach((c, i) => {
            // The same organisation id must have one type: the holder's entity is the principal's when they share it.
            const holderType = c.org === orgId ? type : c.type;
            const entities = caseEntity({ id: `case-${i}`, organisationId: c.org, assignedUserId: c.assignee }, holderType);
            const decision = engine.isAllowed({ principal: principal.ref, action: 'case.list', resource: { type: 'Case', id: `case-${i}` }, entities: [...principal.entities, ...entities] });
            expect(evaluateScope(scope, entities[0]?.attrs ?? {})).toBe(decision);
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('are "everything" for a system admin listing organisations and "nothing" for an analyst listing cases', () => {
    const admin = principalOf(user('system_admin', 'national_coordinator'));
    const analyst = principalOf(user('analyst', 'statistics_office'));
    if (!admin || !analyst) throw new Error('no principal');
    expect(engine.scope({ principal: admin.ref, action: 'organisation.list', resourceType: 'Organisation', entities: admin.entities })).toEqual({ op: 'const', value: true });
    expect(engine.scope({ principal: analyst.ref, action: 'case.list', resourceType: 'Case', entities: analyst.entities })).toEqual({ op: 'const', value: false });
  });
});

describe('built-in scenarios', () => {
  it('cover every action on cases and mark firewall promises', () => {
    const scenarios = builtInScenarios();
    expect([...new Set(scenarios.map((s) => s.request.action))]).toEqual(
      expect.arrayContaining(['case.read', 'case.update', 'case.note.read', 'case.note.create', 'case.create', 'person.read', 'user.create', 'audit.read']),
    );
    expect(scenarios.filter((s) => s.isFirewall).length).toBeGreaterThan(30);
    expect(scenarios.every((s) => s.isFirewall ? s.expect === 'deny' : true)).toBe(true);
  });
});

describe('decision cache', () => {
  it('serves case, person and user decisions from the cache, never organisation ones, under the national policy', () => {
    const types = cacheableResourceTypes(national.policies, ['OpenNRM::Case', 'OpenNRM::Person', 'OpenNRM::User', 'OpenNRM::Organisation']);
    expect([...types].sort()).toEqual(['OpenNRM::Case', 'OpenNRM::Person', 'OpenNRM::User']);
  });

  it('stays exact when a replacement policy names an individual case', () => {
    const named = `${national.policies}\n@id("one-case") permit (principal is OpenNRM::User, action == OpenNRM::Action::"case.read", resource == OpenNRM::Case::"case-special");`;
    expect(cacheableResourceTypes(named, ['OpenNRM::Case']).size).toBe(0);
    const custom = createCedarPolicyEngine(withPolicies(named));
    const actor = user('caseworker', 'shelter', 'org-shelter', 'u-1');
    const principal = principalOf(actor)!;
    const ask = (id: string) =>
      custom.isAllowed({ principal: principal.ref, action: 'case.read', resource: { type: 'Case', id }, entities: [...principal.entities, ...caseEntity({ id, organisationId: 'org-other', assignedUserId: null }, 'ngo')] });
    expect([ask('case-ordinary'), ask('case-special'), ask('case-ordinary')]).toEqual([false, true, false]);
  });

  it('gives the same answers with and without the cache on random requests', () => {
    const fresh = () => createCedarPolicyEngine(national);
    const cached = fresh();
    fc.assert(
      fc.property(fc.constantFrom(...ROLES), fc.constantFrom(...ORGANISATION_TYPES), fc.constantFrom('org-a', 'org-b'), fc.option(fc.constantFrom('u-1', 'u-2'), { nil: null }), fc.nat(50), (role, type, org, assignee, n) => {
        const actor = user(role, type, 'org-a', 'u-1');
        const principal = principalOf(actor)!;
        const request = { principal: principal.ref, action: 'case.read' as const, resource: { type: 'Case' as const, id: `case-${n}` }, entities: [...principal.entities, ...caseEntity({ id: `case-${n}`, organisationId: org, assignedUserId: assignee }, org === 'org-a' ? type : 'ngo')] };
        expect(cached.isAllowed(request)).toBe(fresh().isAllowed(request));
      }),
      { numRuns: 200 },
    );
  });
});
