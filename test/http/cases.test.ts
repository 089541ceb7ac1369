import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recentAuditEvents } from '../../src/store/audit.store.js';
import { makeOrganisation, makeUser, signIn, startTestApp, type Client, type TestApp } from '../app.js';
import { DIALECTS } from '../dialects.js';

describe.each(DIALECTS)('people and cases on %s', (dialect) => {
  let t: TestApp;
  let amina: Client;
  let jonas: Client;
  let otherOrg: Client;
  let analyst: Client;
  let jonasId: string;

  beforeAll(async () => {
    t = await startTestApp(dialect);
    const shelter = await makeOrganisation(t.app, 'Shelter', 'shelter');
    const ngo = await makeOrganisation(t.app, 'Other NGO', 'ngo');
    await makeUser(t.app, shelter, 'amina', 'caseworker');
    jonasId = (await makeUser(t.app, shelter, 'jonas', 'supervisor')).id;
    await makeUser(t.app, shelter, 'mei', 'analyst');
    await makeUser(t.app, ngo, 'pieter', 'caseworker');
    [amina, jonas, otherOrg, analyst] = await Promise.all([signIn(t.http, 'amina'), signIn(t.http, 'jonas'), signIn(t.http, 'pieter'), signIn(t.http, 'mei')]);
  });
  afterAll(() => t.close());

  const openCase = async (client: Client, givenName: string, familyName?: string) => {
    const res = await client.send('POST', '/api/v1/cases', { person: { givenName, ...(familyName ? { familyName } : {}), sex: 'female' } });
    expect(res.statusCode).toBe(201);
    return res.json() as { id: string; personId: string; version: number; assignedUserId: string | null };
  };

  it('registers a person with a case, assigned to the caseworker who opened it', async () => {
    const created = await openCase(amina, 'Selam', 'Tesfaye');
    const me = (await amina.get('/api/v1/auth/session')).json();
    expect(created).toMatchObject({ status: 'open', assignedUserId: me.user.id, version: 1, closedAt: null });
    const read = await amina.get(`/api/v1/cases/${created.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(created);
    const person = await amina.get(`/api/v1/persons/${created.personId}`);
    expect(person.json()).toMatchObject({ givenName: 'Selam', familyName: 'Tesfaye', sex: 'female' });
  });

  it('opens a second case for a registered person, and refuses a person of another organisation', async () => {
    const person = (await amina.send('POST', '/api/v1/persons', { givenName: 'Oleksandr', nationality: 'UA', dateOfBirth: '1979' })).json();
    const res = await amina.send('POST', '/api/v1/cases', { personId: person.id });
    expect(res.statusCode).toBe(201);
    const foreign = await otherOrg.send('POST', '/api/v1/cases', { personId: person.id });
    expect(foreign.statusCode).toBe(422);
    expect(foreign.json().error.code).toBe('case.person_not_found');
    const both = await amina.send('POST', '/api/v1/cases', { personId: person.id, person: { givenName: 'X' } });
    expect(both.statusCode).toBe(400);
  });

  it('audits every read of a case and of a person, with who, organisation, purpose and request id', async () => {
    const created = await openCase(amina, 'Audit', 'Me');
    await amina.get(`/api/v1/cases/${created.id}`, { 'x-opennrm-purpose': 'supervision', 'x-request-id': 'req-audit-1234' });
    const [event] = await recentAuditEvents(t.app.store.db, 1);
    expect(event).toMatchObject({ action: 'case.read', recordType: 'case', recordId: created.id, purpose: 'supervision', requestId: 'req-audit-1234', actorKind: 'user', outcome: 'success' });
    expect(event?.actorUserId).toBeTruthy();
    expect(event?.actorOrganisationId).toBeTruthy();
    await amina.get(`/api/v1/persons/${created.personId}`);
    expect((await recentAuditEvents(t.app.store.db, 1))[0]).toMatchObject({ action: 'person.read', recordId: created.personId });
    const badPurpose = await amina.get(`/api/v1/cases/${created.id}`, { 'x-opennrm-purpose': 'curiosity' });
    expect(badPurpose.statusCode).toBe(400);
  });

  it('hides other organisations’ cases and people as “not found”, exactly like missing ones', async () => {
    const created = await openCase(amina, 'Hidden', 'Person');
    const missing = await otherOrg.get('/api/v1/cases/01a22310-0000-7000-8000-000000000000');
    const forbidden = await otherOrg.get(`/api/v1/cases/${created.id}`);
    expect(forbidden.statusCode).toBe(404);
    expect(forbidden.json()).toEqual(missing.json());
    expect((await otherOrg.get(`/api/v1/persons/${created.personId}`)).statusCode).toBe(404);
    expect((await otherOrg.send('PATCH', `/api/v1/cases/${created.id}`, { status: 'closed' })).statusCode).toBe(404);
    expect((await otherOrg.send('POST', `/api/v1/cases/${created.id}/notes`, { body: 'x' })).statusCode).toBe(404);
    const list = (await otherOrg.get('/api/v1/cases?limit=100')).json();
    expect(list.items.map((c: { id: string }) => c.id)).not.toContain(created.id);
    expect((await analyst.get(`/api/v1/cases/${created.id}`)).statusCode).toBe(404);
    expect((await analyst.get('/api/v1/cases')).statusCode).toBe(403);
  });

  it('changes status and assignment with optimistic concurrency, stamping closedAt', async () => {
    const created = await openCase(amina, 'Status', 'Change');
    const closed = await jonas.send('PATCH', `/api/v1/cases/${created.id}`, { status: 'closed_referred', expectedVersion: 1 });
    expect(closed.statusCode).toBe(200);
    expect(closed.json()).toMatchObject({ status: 'closed_referred', version: 2, closedAt: expect.any(String) });
    const stale = await amina.send('PATCH', `/api/v1/cases/${created.id}`, { status: 'open', expectedVersion: 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('case.version_conflict');
    const reopened = await amina.send('PATCH', `/api/v1/cases/${created.id}`, { status: 'follow_up' });
    expect(reopened.json()).toMatchObject({ status: 'follow_up', closedAt: null, version: 3 });
    const toAnalyst = await amina.send('PATCH', `/api/v1/cases/${created.id}`, { assignedUserId: (await analyst.get('/api/v1/auth/session')).json().user.id });
    expect(toAnalyst.statusCode).toBe(422);
  });

  it('gives a caseworker the cases assigned to them only; the supervisor sees the whole organisation', async () => {
    const created = await openCase(amina, 'Reassigned', 'Person');
    const handedOver = await jonas.send('PATCH', `/api/v1/cases/${created.id}`, { assignedUserId: jonasId });
    expect(handedOver.json()).toMatchObject({ assignedUserId: jonasId });
    expect((await amina.get(`/api/v1/cases/${created.id}`)).statusCode).toBe(404);
    expect((await amina.get('/api/v1/cases?limit=100')).json().items.map((c: { id: string }) => c.id)).not.toContain(created.id);
    expect((await jonas.get(`/api/v1/cases/${created.id}`)).statusCode).toBe(200);
    // Amina registered the person, so she still sees the person's identity, but not the case any more.
    expect((await amina.get(`/api/v1/persons/${created.personId}`)).statusCode).toBe(200);
    const [denied] = await recentAuditEvents(t.app.store.db, 10).then((events) => events.filter((e) => e.action === 'case.read' && e.recordId === created.id && e.outcome === 'denied'));
    expect(denied).toBeDefined();
  });

  it('updates identity fields, clearing with null', async () => {
    const created = await openCase(amina, 'Fatima', 'Al-Hassan');
    const res = await amina.send('PATCH', `/api/v1/persons/${created.personId}`, { familyName: null, nationality: 'SY', expectedVersion: 1 });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ familyName: null, nationality: 'SY', version: 2 });
    const [event] = await recentAuditEvents(t.app.store.db, 1);
    expect(event).toMatchObject({ action: 'person.update', details: '{"fields":["familyName","nationality"]}' });
  });

  it('keeps notes on a case, newest first', async () => {
    const created = await openCase(amina, 'Noted', 'Person');
    for (const body of ['first contact', 'second contact']) {
      expect((await amina.send('POST', `/api/v1/cases/${created.id}/notes`, { body })).statusCode).toBe(201);
    }
    const notes = (await jonas.get(`/api/v1/cases/${created.id}/notes`)).json();
    expect(notes.items.map((n: { body: string }) => n.body)).toEqual(['second contact', 'first contact']);
  });

  it('lists with filters, name search and pagination that visits every case once', async () => {
    const a = await openCase(amina, 'María José', 'Ramírez');
    await openCase(amina, 'Maria', 'Other');
    const found = (await amina.get(`/api/v1/cases?q=${encodeURIComponent('jose RAMIREZ')}`)).json();
    expect(found.items.map((c: { id: string }) => c.id)).toEqual([a.id]);
    // Every word must match, and whole words only.
    expect((await amina.get(`/api/v1/cases?q=${encodeURIComponent('maria other')}`)).json().items).toHaveLength(1);
    expect((await amina.get(`/api/v1/cases?q=${encodeURIComponent('ramir')}`)).json().items).toEqual([]);
    expect(found.items[0].person).toMatchObject({ givenName: 'María José', familyName: 'Ramírez' });
    const unassigned = (await amina.get('/api/v1/cases?assignedTo=none')).json();
    expect(unassigned.items.every((c: { assignedUserId: string | null }) => c.assignedUserId === null)).toBe(true);
    const mine = (await amina.get('/api/v1/cases?assignedTo=me&status=open&limit=100')).json();
    expect(mine.items.length).toBeGreaterThan(3);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = (await amina.get(`/api/v1/cases?limit=3${cursor ? `&cursor=${cursor}` : ''}`)).json();
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((c) => c.id));
      cursor = page.nextCursor;
    } while (cursor);
    const all = (await amina.get('/api/v1/cases?limit=100')).json().items.map((c: { id: string }) => c.id);
    expect(seen).toEqual(all);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...all].sort().reverse()).toEqual(all);
  });

  it('searches people by whole words of the name (blind index: no partial words)', async () => {
    await amina.send('POST', '/api/v1/persons', { givenName: 'Nguyen', familyName: 'Van An' });
    const res = (await amina.get('/api/v1/persons?q=van')).json();
    expect(res.items.map((p: { familyName: string }) => p.familyName)).toContain('Van An');
    expect((await amina.get('/api/v1/persons?q=an%20NGUYEN')).json().items.map((p: { familyName: string }) => p.familyName)).toContain('Van An');
    expect((await amina.get('/api/v1/persons?q=nguy')).json().items).toEqual([]);
    expect((await otherOrg.get('/api/v1/persons?q=van')).json().items).toEqual([]);
  });
});
