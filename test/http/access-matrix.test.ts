import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORGANISATION_TYPES, sectorOf, type Organisation, type OrganisationType } from '../../src/domain/orgs/org.schema.js';
import { ROLES, type Role } from '../../src/domain/users/user.schema.js';
import { makeOrganisation, makeUser, signIn, startTestApp, type Client, type TestApp } from '../app.js';
import { DIALECTS } from '../dialects.js';
import { serverRoutes } from '../routes.js';

/**
 * The access matrix: every route x every role x every organisation type has an expected decision, derived here
 * from the national policy in plain words. A route without an entry fails the suite, so a new route cannot ship
 * without someone deciding who may use it. The records asked for are held by a shelter (a service provider).
 */
interface Who {
  readonly role: Role;
  readonly type: OrganisationType;
  /** Works in the shelter that holds the fixture records. */
  readonly isHolder: boolean;
}

interface Fixtures {
  readonly shelterId: string;
  readonly caseId: string;
  readonly personId: string;
  readonly victimUserId: string;
  readonly unique: () => string;
  /** A second case of the holder's caseworker, for grants, so that they do not open the first to anyone. */
  readonly grantCaseId: string;
  readonly grantPersonId: string;
  /** A supervisor of the holder, a colleague a case can be shared with. */
  readonly colleagueId: string;
  readonly grantId: string;
  readonly policeId: string;
  /** A fresh break-glass request by the holder's caseworker on the second case. */
  readonly newBreakGlass: () => Promise<string>;
}

type Expectation = 'allow' | 'deny';
type Req = { method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'; url: string; body?: unknown };

interface Entry {
  /** public: no session needed; self: any signed-in user acting on their own session (covered in auth.test.ts). */
  readonly kind: 'public' | 'self' | 'matrix';
  /** For list routes: the fixture record must appear exactly when this says the record itself may be read. */
  readonly listsFixture?: (who: Who) => boolean;
  readonly request?: (f: Fixtures) => Req | Promise<Req>;
  readonly expect?: (who: Who) => Expectation;
  /** Denials of protected records must look like "not found". */
  readonly denial?: 404 | 403;
}

const isFrontline = (w: Who) => w.role === 'caseworker' || w.role === 'supervisor';
const seesCaseLists = (w: Who) => isFrontline(w) && sectorOf(w.type) !== 'statistics';
const mayWorkOnFixtureCase = (w: Who) => w.isHolder && isFrontline(w);
/** DPOs oversee grants, except where the firewall keeps them out (immigration, statistics). */
const isDpoInsideFirewall = (w: Who) => w.role === 'dpo' && !['immigration_enforcement', 'statistics'].includes(sectorOf(w.type));
const inAYear = () => new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString();
const allowIf = (rule: (w: Who) => boolean) => (w: Who): Expectation => (rule(w) ? 'allow' : 'deny');

const MATRIX: Record<string, Entry> = {
  'GET /healthz': { kind: 'public' },
  'GET /readyz': { kind: 'public' },
  'GET /api/v1/openapi.json': { kind: 'public' },
  'POST /api/v1/auth/login': { kind: 'public' },
  'GET /api/v1/auth/session': { kind: 'self' },
  'POST /api/v1/auth/logout': { kind: 'self' },
  'POST /api/v1/auth/password': { kind: 'self' },
  'POST /api/v1/organisations': {
    kind: 'matrix',
    request: (f) => ({ method: 'POST', url: '/api/v1/organisations', body: { name: `Org ${f.unique()}`, type: 'ngo' } }),
    expect: allowIf((w) => w.role === 'system_admin'),
    denial: 403,
  },
  'GET /api/v1/organisations': { kind: 'matrix', request: () => ({ method: 'GET', url: '/api/v1/organisations' }), expect: () => 'allow', listsFixture: (w) => w.role === 'system_admin' || w.isHolder },
  'GET /api/v1/organisations/:id': {
    kind: 'matrix',
    request: (f) => ({ method: 'GET', url: `/api/v1/organisations/${f.shelterId}` }),
    expect: allowIf((w) => w.role === 'system_admin' || w.isHolder),
    denial: 404,
  },
  'POST /api/v1/users': {
    kind: 'matrix',
    request: (f) => ({ method: 'POST', url: '/api/v1/users', body: { organisationId: f.shelterId, username: `new.${f.unique()}`, displayName: 'New', role: 'caseworker', password: 'a long enough password' } }),
    expect: allowIf((w) => w.role === 'system_admin' || (w.role === 'org_admin' && w.isHolder)),
    denial: 403,
  },
  'GET /api/v1/users': { kind: 'matrix', request: () => ({ method: 'GET', url: '/api/v1/users' }), expect: allowIf((w) => w.role === 'system_admin' || w.role === 'org_admin'), denial: 403 },
  'POST /api/v1/users/:id/disable': {
    kind: 'matrix',
    request: (f) => ({ method: 'POST', url: `/api/v1/users/${f.victimUserId}/disable` }),
    expect: allowIf((w) => w.role === 'system_admin' || (w.role === 'org_admin' && w.isHolder)),
    denial: 404,
  },
  'POST /api/v1/persons': { kind: 'matrix', request: () => ({ method: 'POST', url: '/api/v1/persons', body: { givenName: 'Matrix' } }), expect: allowIf(isFrontline), denial: 403 },
  'GET /api/v1/persons': { kind: 'matrix', request: () => ({ method: 'GET', url: '/api/v1/persons?limit=100' }), expect: allowIf(seesCaseLists), denial: 403, listsFixture: mayWorkOnFixtureCase },
  'GET /api/v1/persons/:id': { kind: 'matrix', request: (f) => ({ method: 'GET', url: `/api/v1/persons/${f.personId}` }), expect: allowIf(mayWorkOnFixtureCase), denial: 404 },
  'PATCH /api/v1/persons/:id': { kind: 'matrix', request: (f) => ({ method: 'PATCH', url: `/api/v1/persons/${f.personId}`, body: { preferredLanguage: 'ti' } }), expect: allowIf(mayWorkOnFixtureCase), denial: 404 },
  'POST /api/v1/cases': { kind: 'matrix', request: () => ({ method: 'POST', url: '/api/v1/cases', body: { person: { givenName: 'Matrix' } } }), expect: allowIf(isFrontline), denial: 403 },
  'GET /api/v1/cases': { kind: 'matrix', request: () => ({ method: 'GET', url: '/api/v1/cases?limit=100' }), expect: allowIf(seesCaseLists), denial: 403, listsFixture: mayWorkOnFixtureCase },
  'GET /api/v1/cases/:id': { kind: 'matrix', request: (f) => ({ method: 'GET', url: `/api/v1/cases/${f.caseId}` }), expect: allowIf(mayWorkOnFixtureCase), denial: 404 },
  'PATCH /api/v1/cases/:id': { kind: 'matrix', request: (f) => ({ method: 'PATCH', url: `/api/v1/cases/${f.caseId}`, body: { status: 'follow_up' } }), expect: allowIf(mayWorkOnFixtureCase), denial: 404 },
  'POST /api/v1/cases/:id/notes': { kind: 'matrix', request: (f) => ({ method: 'POST', url: `/api/v1/cases/${f.caseId}/notes`, body: { body: 'matrix note' } }), expect: allowIf(mayWorkOnFixtureCase), denial: 404 },
  'GET /api/v1/cases/:id/notes': { kind: 'matrix', request: (f) => ({ method: 'GET', url: `/api/v1/cases/${f.caseId}/notes` }), expect: allowIf(mayWorkOnFixtureCase), denial: 404 },
  'GET /api/v1/audit': { kind: 'matrix', request: (f) => ({ method: 'GET', url: `/api/v1/audit?personId=${f.personId}&limit=5` }), expect: allowIf((w) => w.role === 'dpo'), denial: 403 },
  'POST /api/v1/cases/:id/consents': {
    kind: 'matrix',
    request: (f) => ({ method: 'POST', url: `/api/v1/cases/${f.grantCaseId}/consents`, body: { granteeOrganisationId: f.policeId, purpose: 'criminal_investigation', categories: ['case'], expiresAt: inAYear(), givenBy: 'person', explainedInLanguage: 'en', isInterpreterUsed: false } }),
    expect: allowIf(mayWorkOnFixtureCase),
    denial: 404,
  },
  'POST /api/v1/cases/:id/legal-orders': {
    kind: 'matrix',
    request: (f) => ({ method: 'POST', url: `/api/v1/cases/${f.grantCaseId}/legal-orders`, body: { granteeOrganisationId: f.policeId, purpose: 'prosecution', categories: ['case'], expiresAt: inAYear(), reference: 'Court order 12/2026' } }),
    expect: allowIf(isDpoInsideFirewall),
    denial: 404,
  },
  'GET /api/v1/cases/:id/grants': { kind: 'matrix', request: (f) => ({ method: 'GET', url: `/api/v1/cases/${f.grantCaseId}/grants` }), expect: allowIf((w) => mayWorkOnFixtureCase(w) || isDpoInsideFirewall(w)), denial: 404 },
  'POST /api/v1/cases/:id/grants/:grantId/revoke': {
    kind: 'matrix',
    request: (f) => ({ method: 'POST', url: `/api/v1/cases/${f.grantCaseId}/grants/${f.grantId}/revoke`, body: { reason: 'matrix test' } }),
    expect: allowIf((w) => mayWorkOnFixtureCase(w) || isDpoInsideFirewall(w)),
    denial: 404,
  },
  'POST /api/v1/cases/:id/break-glass': {
    kind: 'matrix',
    request: (f) => ({ method: 'POST', url: `/api/v1/cases/${f.grantCaseId}/break-glass`, body: { reason: 'matrix test emergency' } }),
    expect: allowIf(mayWorkOnFixtureCase),
    denial: 404,
  },
  'POST /api/v1/cases/:id/break-glass/:grantId/approve': {
    kind: 'matrix',
    request: async (f) => ({ method: 'POST', url: `/api/v1/cases/${f.grantCaseId}/break-glass/${await f.newBreakGlass()}/approve` }),
    // The requester is the holder's caseworker, who can never approve her own request.
    expect: allowIf((w) => (w.isHolder && w.role === 'supervisor') || isDpoInsideFirewall(w)),
    denial: 404,
  },
  'GET /api/v1/break-glass': { kind: 'matrix', request: () => ({ method: 'GET', url: '/api/v1/break-glass' }), expect: allowIf((w) => w.role === 'dpo'), denial: 403 },
  'GET /api/v1/notifications': { kind: 'self' },
  'PUT /api/v1/cases/:id/shares/:userId': {
    kind: 'matrix',
    request: (f) => ({ method: 'PUT', url: `/api/v1/cases/${f.grantCaseId}/shares/${f.colleagueId}` }),
    expect: allowIf(mayWorkOnFixtureCase),
    denial: 404,
  },
  'DELETE /api/v1/cases/:id/shares/:userId': {
    kind: 'matrix',
    request: (f) => ({ method: 'DELETE', url: `/api/v1/cases/${f.grantCaseId}/shares/${f.colleagueId}` }),
    expect: allowIf(mayWorkOnFixtureCase),
    denial: 404,
  },
  'POST /api/v1/persons/:id/erase': {
    kind: 'matrix',
    request: (f) => ({ method: 'POST', url: `/api/v1/persons/${f.grantPersonId}/erase`, body: { reason: 'data_subject_request' } }),
    expect: allowIf((w) => isDpoInsideFirewall(w) || (w.isHolder && w.role === 'supervisor')),
    denial: 404,
  },
  'PATCH /api/v1/organisations/:id': {
    kind: 'matrix',
    request: (f) => ({ method: 'PATCH', url: `/api/v1/organisations/${f.shelterId}`, body: { retentionMonths: 60 } }),
    expect: allowIf((w) => w.role === 'system_admin' || (w.role === 'org_admin' && w.isHolder)),
    denial: 404,
  },
  'POST /api/v1/anonymous-reports': {
    kind: 'matrix',
    request: () => ({ method: 'POST', url: '/api/v1/anonymous-reports', body: { encounteredOn: '2026-11-01', sex: 'female', ageBand: '18-20', isMinorAtExploitation: 'unknown', exploitationTypes: ['forced_labour'], whyAnonymous: 'no_consent_to_referral' } }),
    expect: allowIf(isFrontline),
    denial: 403,
  },
  'GET /api/v1/anonymous-reports': { kind: 'matrix', request: () => ({ method: 'GET', url: '/api/v1/anonymous-reports' }), expect: allowIf((w) => sectorOf(w.type) === 'coordination' || w.role === 'dpo'), denial: 403 },
  'GET /api/v1/auth/sessions': { kind: 'self' },
  'DELETE /api/v1/auth/sessions/:id': { kind: 'self' },
  'POST /api/v1/auth/totp/enrol': { kind: 'self' },
  'POST /api/v1/auth/totp/enrol/confirm': { kind: 'self' },
  'POST /api/v1/auth/totp/verify': { kind: 'self' },
  'POST /api/v1/auth/totp/disable': { kind: 'self' },
  'PATCH /api/v1/users/:id': {
    kind: 'matrix',
    request: (f) => ({ method: 'PATCH', url: `/api/v1/users/${f.victimUserId}`, body: { displayName: `Renamed ${f.unique()}` } }),
    expect: allowIf((w) => w.role === 'system_admin' || (w.role === 'org_admin' && w.isHolder)),
    denial: 404,
  },
  'POST /api/v1/users/:id/revoke-sessions': {
    kind: 'matrix',
    request: (f) => ({ method: 'POST', url: `/api/v1/users/${f.victimUserId}/revoke-sessions` }),
    expect: allowIf((w) => w.role === 'system_admin' || (w.role === 'org_admin' && w.isHolder)),
    denial: 404,
  },
  'POST /api/v1/users/:id/reset-two-factor': {
    kind: 'matrix',
    request: (f) => ({ method: 'POST', url: `/api/v1/users/${f.victimUserId}/reset-two-factor` }),
    expect: allowIf((w) => w.role === 'system_admin' || (w.role === 'org_admin' && w.isHolder)),
    denial: 404,
  },
};

describe.each(DIALECTS)('access matrix on %s', (dialect) => {
  let t: TestApp;
  let fixtures: Fixtures;
  const clients: Array<{ who: Who; client: Client }> = [];

  beforeAll(async () => {
    t = await startTestApp(dialect, { OPENNRM_LOGIN_RATE_PER_MINUTE: '10000' });
    const orgs = new Map<OrganisationType, Organisation>();
    for (const type of ORGANISATION_TYPES) orgs.set(type, await makeOrganisation(t.app, `Org of type ${type}`, type));
    const shelter = orgs.get('shelter')!;
    const users = await Promise.all(
      ORGANISATION_TYPES.flatMap((type) => ROLES.map(async (role) => ({ type, role, user: await makeUser(t.app, orgs.get(type)!, `${role}.${type}`.replaceAll('_', '-'), role) }))),
    );
    const victim = await makeUser(t.app, shelter, 'victim.user', 'caseworker');
    for (const { type, role, user } of users) {
      clients.push({ who: { role, type, isHolder: user.organisationId === shelter.id }, client: await signIn(t.http, user.username) });
    }
    const holderCaseworker = clients.find((c) => c.who.isHolder && c.who.role === 'caseworker')!.client;
    const created = (await holderCaseworker.send('POST', '/api/v1/cases', { person: { givenName: 'Fixture', familyName: 'Person' } })).json();
    const grantCase = (await holderCaseworker.send('POST', '/api/v1/cases', { person: { givenName: 'Grant', familyName: 'Fixture' } })).json();
    const policeId = orgs.get('police')!.id;
    const grant = (
      await holderCaseworker.send('POST', `/api/v1/cases/${grantCase.id}/consents`, {
        granteeOrganisationId: policeId, purpose: 'criminal_investigation', categories: ['notes'], expiresAt: inAYear(), givenBy: 'person', explainedInLanguage: 'en', isInterpreterUsed: false,
      })
    ).json();
    let n = 0;
    fixtures = {
      shelterId: shelter.id,
      caseId: created.id,
      personId: created.personId,
      victimUserId: victim.id,
      unique: () => `${dialect}-${++n}`,
      grantCaseId: grantCase.id,
      grantPersonId: grantCase.personId,
      colleagueId: users.find((u) => u.type === 'shelter' && u.role === 'supervisor')!.user.id,
      grantId: grant.id,
      policeId,
      newBreakGlass: async () => (await holderCaseworker.send('POST', `/api/v1/cases/${grantCase.id}/break-glass`, { reason: 'matrix fixture emergency' })).json().id,
    };
  }, 120_000);
  afterAll(() => t.close());

  it('has an entry for every route the server answers', () => {
    const routes = serverRoutes(t.http).map((r) => `${r.method} ${r.path}`);
    expect(routes.length).toBeGreaterThan(20);
    expect(routes.filter((r) => !(r in MATRIX))).toEqual([]);
  });

  it('gives every role of every organisation type exactly the expected decision on every route', async () => {
    const mismatches: string[] = [];
    let checked = 0;
    for (const [route, entry] of Object.entries(MATRIX)) {
      if (entry.kind !== 'matrix' || !entry.request || !entry.expect) continue;
      for (const { who, client } of clients) {
        const req = await entry.request(fixtures);
        const res: LightMyRequestResponse = req.method === 'GET' ? await client.get(req.url) : await client.send(req.method, req.url, req.body);
        const expected = entry.expect(who);
        const got = res.statusCode < 300 ? 'allow' : 'deny';
        checked += 1;
        const label = `${route} as ${who.role} of ${who.type}`;
        if (got !== expected) mismatches.push(`${label}: expected ${expected}, got ${res.statusCode} ${res.body.slice(0, 80)}`);
        else if (got === 'deny' && res.statusCode !== entry.denial) mismatches.push(`${label}: denied with ${res.statusCode}, expected ${entry.denial}`);
        else if (got === 'allow' && entry.listsFixture) {
          const ids = (res.json() as { items: Array<{ id: string }> }).items.map((i) => i.id);
          const fixtureId = route.includes('cases') ? fixtures.caseId : route.includes('persons') ? fixtures.personId : fixtures.shelterId;
          if (ids.includes(fixtureId) !== entry.listsFixture(who)) mismatches.push(`${label}: fixture ${ids.includes(fixtureId) ? 'listed' : 'missing'}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBeGreaterThan(ORGANISATION_TYPES.length * ROLES.length * 15);
  });

  it('answers a border guard asking for a service provider’s record exactly as for a record that does not exist', async () => {
    const border = clients.find((c) => c.who.type === 'border_guard' && c.who.role === 'supervisor')!.client;
    for (const path of ['cases', 'persons']) {
      const id = path === 'cases' ? fixtures.caseId : fixtures.personId;
      const real = await border.get(`/api/v1/${path}/${id}`);
      const missing = await border.get(`/api/v1/${path}/01a22310-0000-7000-8000-00000000beef`);
      expect(real.statusCode).toBe(404);
      expect(real.body).toBe(missing.body);
    }
  });
});
