import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recentAuditEvents } from '../../src/store/audit.store.js';
import { makeOrganisation, makeUser, signIn, startTestApp, type Client, type TestApp } from '../app.js';
import { DIALECTS } from '../dialects.js';

const DAY = 24 * 3600 * 1000;

describe.each(DIALECTS)('consent, legal orders and break-glass on %s', (dialect) => {
  let t: TestApp;
  let offsetMs = 0;
  let amina: Client;
  let omar: Client;
  let jonas: Client;
  let claire: Client;
  let pieter: Client;
  let grace: Client;
  let ids: { police: string; border: string; ngo: string; omar: string };

  beforeAll(async () => {
    t = await startTestApp(dialect, {}, { clock: { now: () => new Date(Date.now() + offsetMs) } });
    const shelter = await makeOrganisation(t.app, 'Shelter', 'shelter');
    const police = await makeOrganisation(t.app, 'Police', 'police');
    const border = await makeOrganisation(t.app, 'Border', 'border_guard');
    const ngo = await makeOrganisation(t.app, 'NGO', 'ngo');
    const coordinator = await makeOrganisation(t.app, 'Coordinator', 'national_coordinator');
    await makeUser(t.app, shelter, 'amina', 'caseworker');
    const omarUser = await makeUser(t.app, shelter, 'omar', 'caseworker');
    await makeUser(t.app, shelter, 'jonas', 'supervisor');
    await makeUser(t.app, police, 'claire', 'caseworker');
    await makeUser(t.app, border, 'pieter', 'supervisor');
    await makeUser(t.app, coordinator, 'grace', 'dpo');
    [amina, omar, jonas, claire, pieter, grace] = await Promise.all([
      signIn(t.http, 'amina'),
      signIn(t.http, 'omar'),
      signIn(t.http, 'jonas'),
      signIn(t.http, 'claire'),
      signIn(t.http, 'pieter'),
      signIn(t.http, 'grace'),
    ]);
    ids = { police: police.id, border: border.id, ngo: ngo.id, omar: omarUser.id };
  });
  afterAll(() => t.close());

  const openCase = async () => (await amina.send('POST', '/api/v1/cases', { person: { givenName: 'Selam' } })).json() as { id: string; personId: string };
  const consent = (caseId: string, body: Record<string, unknown> = {}) =>
    amina.send('POST', `/api/v1/cases/${caseId}/consents`, {
      granteeOrganisationId: ids.police,
      purpose: 'criminal_investigation',
      categories: ['case', 'identity'],
      expiresAt: new Date(Date.now() + offsetMs + 10 * DAY).toISOString(),
      givenBy: 'person',
      explainedInLanguage: 'ti',
      isInterpreterUsed: true,
      ...body,
    });

  it('lets a caseworker share a case with a colleague of her organisation, and take it back', async () => {
    const c = await openCase();
    const omarId = ids.omar;
    expect((await omar.get(`/api/v1/cases/${c.id}`)).statusCode).toBe(404);
    expect((await omar.send('PUT', `/api/v1/cases/${c.id}/shares/${omarId}`)).statusCode).toBe(404);
    const pieterId = (await pieter.get('/api/v1/auth/session')).json().user.id;
    expect((await amina.send('PUT', `/api/v1/cases/${c.id}/shares/${pieterId}`)).json().error.code).toBe('case.assignee_invalid');
    expect((await amina.send('PUT', `/api/v1/cases/${c.id}/shares/${omarId}`)).json()).toEqual({ caseId: c.id, userId: omarId, isShared: true });
    expect((await omar.get(`/api/v1/cases/${c.id}`)).statusCode).toBe(200);
    expect((await omar.get(`/api/v1/persons/${c.personId}`)).statusCode).toBe(200);
    expect((await omar.get('/api/v1/cases?limit=100')).json().items.map((x: { id: string }) => x.id)).toContain(c.id);
    expect((await amina.send('DELETE', `/api/v1/cases/${c.id}/shares/${omarId}`)).json()).toMatchObject({ isShared: false });
    expect((await omar.get(`/api/v1/cases/${c.id}`)).statusCode).toBe(404);
    expect((await recentAuditEvents(t.app.store.db, 10)).map((e) => e.action)).toEqual(expect.arrayContaining(['case.share', 'case.unshare']));
  });

  it('lets police see a case only while the person’s consent is valid, and only the categories consented to', async () => {
    const c = await openCase();
    expect((await claire.get(`/api/v1/cases/${c.id}`)).statusCode).toBe(404);
    const granted = await consent(c.id);
    expect(granted.statusCode).toBe(201);
    expect(granted.json()).toMatchObject({ kind: 'consent', consentGivenBy: 'person', explainedInLanguage: 'ti', isInterpreterUsed: true, revokedAt: null });
    expect((await claire.get(`/api/v1/cases/${c.id}`)).statusCode).toBe(200);
    expect((await claire.get(`/api/v1/persons/${c.personId}`)).statusCode).toBe(200);
    expect((await claire.get(`/api/v1/cases/${c.id}/notes`)).statusCode).toBe(404);
    expect((await claire.send('PATCH', `/api/v1/cases/${c.id}`, { status: 'closed' })).statusCode).toBe(404);
    expect((await claire.get('/api/v1/cases')).json().items.map((x: { id: string }) => x.id)).toContain(c.id);

    const revoked = await amina.send('POST', `/api/v1/cases/${c.id}/grants/${granted.json().id}/revoke`, { reason: 'the person withdrew consent' });
    expect(revoked.json()).toMatchObject({ revokedAt: expect.any(String), revocationReason: 'the person withdrew consent' });
    expect((await claire.get(`/api/v1/cases/${c.id}`)).statusCode).toBe(404);
    expect((await claire.get('/api/v1/cases')).json().items.map((x: { id: string }) => x.id)).not.toContain(c.id);
  });

  it('ends police access by itself when the consent expires', async () => {
    const c = await openCase();
    await consent(c.id, { expiresAt: new Date(Date.now() + offsetMs + DAY).toISOString() });
    expect((await claire.get(`/api/v1/cases/${c.id}`)).statusCode).toBe(200);
    offsetMs += 2 * DAY;
    try {
      // Her session has expired too by then: she signs in again, and the case is gone.
      expect((await claire.get(`/api/v1/cases/${c.id}`)).statusCode).toBe(401);
      const later = await signIn(t.http, 'claire');
      expect((await later.get(`/api/v1/cases/${c.id}`)).statusCode).toBe(404);
      expect((await later.get('/api/v1/cases')).json().items.map((x: { id: string }) => x.id)).not.toContain(c.id);
    } finally {
      offsetMs = 0;
    }
  });

  it('never grants to immigration or to other service providers, and the firewall holds even against a forged grant', async () => {
    const c = await openCase();
    for (const org of [ids.border, ids.ngo]) {
      const res = await consent(c.id, { granteeOrganisationId: org });
      expect(res.statusCode).toBe(422);
      expect(res.json().error.code).toBe('grant.grantee_not_allowed');
    }
    expect((await consent(c.id, { expiresAt: new Date(Date.now() + 800 * DAY).toISOString() })).json().error.code).toBe('grant.expiry_invalid');
    // A grant written straight into the database (bypassing the API) still cannot cross the firewall.
    await t.app.store.db
      .insertInto('access_grants')
      .values({ id: '01a22310-0000-7000-8000-00000000f00d', case_id: c.id, kind: 'legal_order', grantee_organisation_id: ids.border, grantee_user_id: null, purpose: 'prosecution', categories: '["case","identity","notes"]', reference: 'forged', consent_given_by: null, explained_in_language: null, is_interpreter_used: null, child_views: null, reason: null, duration_minutes: null, created_by: null, created_at: new Date().toISOString(), approved_by: null, approved_at: null, expires_at: new Date(Date.now() + DAY).toISOString(), revoked_at: null, revoked_by: null, revocation_reason: null })
      .execute();
    expect((await pieter.get(`/api/v1/cases/${c.id}`)).statusCode).toBe(404);
    expect((await pieter.get(`/api/v1/persons/${c.personId}`)).statusCode).toBe(404);
    expect((await pieter.get('/api/v1/cases')).json().items.map((x: { id: string }) => x.id)).not.toContain(c.id);
  });

  it('takes legal orders from a data protection officer only, with their reference', async () => {
    const c = await openCase();
    const body = { granteeOrganisationId: ids.police, purpose: 'prosecution', categories: ['case', 'notes'], expiresAt: new Date(Date.now() + 30 * DAY).toISOString(), reference: 'Order 2026/117, Court of Appeal' };
    expect((await amina.send('POST', `/api/v1/cases/${c.id}/legal-orders`, body)).statusCode).toBe(404);
    const order = await grace.send('POST', `/api/v1/cases/${c.id}/legal-orders`, body);
    expect(order.statusCode).toBe(201);
    expect(order.json()).toMatchObject({ kind: 'legal_order', reference: 'Order 2026/117, Court of Appeal' });
    expect((await claire.get(`/api/v1/cases/${c.id}/notes`)).statusCode).toBe(200);
    const grants = (await amina.get(`/api/v1/cases/${c.id}/grants`)).json();
    expect(grants.items.map((g: { kind: string }) => g.kind)).toEqual(['legal_order']);
  });

  it('opens emergency access only after a second person approves, tells the DPO, and closes it by itself', async () => {
    const c = await openCase();
    expect((await omar.get(`/api/v1/cases/${c.id}`)).statusCode).toBe(404);
    expect((await omar.send('POST', `/api/v1/cases/${c.id}/break-glass`, { reason: 'short' })).statusCode).toBe(400);
    const asked = await omar.send('POST', `/api/v1/cases/${c.id}/break-glass`, { reason: 'She called the night line, in danger, need her file now', minutes: 30 });
    expect(asked.statusCode).toBe(201);
    const grantId = asked.json().id;
    const raw = await t.app.store.db.selectFrom('access_grants').select('reason').where('id', '=', grantId).executeTakeFirstOrThrow();
    expect(raw.reason).toMatch(/^v1\./);
    expect(raw.reason).not.toContain('night line');
    expect((await omar.get(`/api/v1/cases/${c.id}`)).statusCode).toBe(404);
    expect((await omar.send('POST', `/api/v1/cases/${c.id}/break-glass/${grantId}/approve`)).statusCode).toBe(404);
    expect((await amina.send('POST', `/api/v1/cases/${c.id}/break-glass/${grantId}/approve`)).statusCode).toBe(404);
    const approved = await jonas.send('POST', `/api/v1/cases/${c.id}/break-glass/${grantId}/approve`);
    expect(approved.statusCode).toBe(200);
    expect((await jonas.send('POST', `/api/v1/cases/${c.id}/break-glass/${grantId}/approve`)).json().error.code).toBe('grant.not_pending');
    expect((await omar.get(`/api/v1/cases/${c.id}`)).statusCode).toBe(200);
    expect((await omar.get(`/api/v1/persons/${c.personId}`)).statusCode).toBe(200);
    expect((await omar.send('PATCH', `/api/v1/cases/${c.id}`, { status: 'closed' })).statusCode).toBe(404);

    const notes = (await grace.get('/api/v1/notifications')).json().items.filter((n: { recordId: string }) => n.recordId === c.id);
    expect(notes.map((n: { kind: string }) => n.kind).sort()).toEqual(['break_glass.approved', 'break_glass.requested']);
    const review = (await grace.get('/api/v1/break-glass')).json().items;
    expect(review.find((g: { id: string }) => g.id === grantId)).toMatchObject({ granteeUserId: ids.omar, approvedAt: expect.any(String), reason: expect.stringContaining('night line') });
    expect((await amina.get('/api/v1/break-glass')).statusCode).toBe(403);
    const actions = (await recentAuditEvents(t.app.store.db, 40)).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['break_glass.request', 'break_glass.approve', 'break_glass.review']));

    offsetMs += 31 * 60_000;
    try {
      expect((await omar.get(`/api/v1/cases/${c.id}`)).statusCode).toBe(404);
    } finally {
      offsetMs = 0;
    }
  });
});
