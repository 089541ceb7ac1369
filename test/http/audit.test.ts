import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeOrganisation, makeUser, signIn, startTestApp, type Client, type TestApp } from '../app.js';
import { DIALECTS } from '../dialects.js';

interface Event {
  seq: number;
  action: string;
  recordId: string | null;
  actorUserId: string | null;
  outcome: string;
  details: string | null;
}

describe.each(DIALECTS)('audit search for the data protection officer on %s', (dialect) => {
  let t: TestApp;
  let dpo: Client;
  let amina: Client;
  let intruder: Client;
  let aminaId: string;
  let created: { id: string; personId: string };

  beforeAll(async () => {
    t = await startTestApp(dialect);
    const shelter = await makeOrganisation(t.app, 'Shelter', 'shelter');
    const coordinator = await makeOrganisation(t.app, 'Coordinator', 'national_coordinator');
    const border = await makeOrganisation(t.app, 'Border', 'border_guard');
    aminaId = (await makeUser(t.app, shelter, 'amina', 'caseworker')).id;
    await makeUser(t.app, coordinator, 'grace', 'dpo');
    await makeUser(t.app, border, 'pieter', 'supervisor');
    [dpo, amina, intruder] = await Promise.all([signIn(t.http, 'grace'), signIn(t.http, 'amina'), signIn(t.http, 'pieter')]);
    created = (await amina.send('POST', '/api/v1/cases', { person: { givenName: 'Selam' } })).json();
    await amina.get(`/api/v1/cases/${created.id}`);
    await amina.get('/api/v1/cases');
    await intruder.get(`/api/v1/cases/${created.id}`);
  });
  afterAll(() => t.close());

  const search = async (query: string) => {
    const res = await dpo.get(`/api/v1/audit?${query}`);
    expect(res.statusCode).toBe(200);
    return res.json() as { items: Event[]; nextCursor: string | null };
  };

  it('finds everything that touched a person: their record, their case, the lists that showed them, denied attempts', async () => {
    const { items } = await search(`personId=${created.personId}`);
    const actions = items.map((e) => `${e.action}:${e.outcome}`);
    expect(actions).toEqual(expect.arrayContaining(['person.create:success', 'case.create:success', 'case.read:success', 'case.list:success', 'case.read:denied']));
    const denied = items.find((e) => e.outcome === 'denied');
    expect(denied?.actorUserId).not.toBe(aminaId);
  });

  it('filters by user, outcome and time, and pages newest first', async () => {
    const mine = await search(`userId=${aminaId}&limit=2`);
    expect(mine.items).toHaveLength(2);
    expect(mine.items.every((e) => e.actorUserId === aminaId)).toBe(true);
    expect(mine.nextCursor).not.toBeNull();
    const next = await search(`userId=${aminaId}&limit=2&cursor=${mine.nextCursor}`);
    expect(next.items[0]!.seq).toBeLessThan(mine.items[1]!.seq);
    expect((await search('outcome=denied')).items.every((e) => e.outcome === 'denied')).toBe(true);
    expect((await search('from=2000-01-01T00:00:00.000Z&to=2000-01-02T00:00:00.000Z')).items).toEqual([]);
  });

  it('is for data protection officers only, and audits its own use', async () => {
    expect((await amina.get('/api/v1/audit')).statusCode).toBe(403);
    expect((await intruder.get(`/api/v1/audit?personId=${created.personId}`)).statusCode).toBe(403);
    await search(`caseId=${created.id}`);
    const latest = (await search('action=audit.search&limit=1')).items[0];
    expect(latest).toMatchObject({ action: 'audit.search' });
  });
});
