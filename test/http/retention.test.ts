import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRetention } from '../../src/domain/retention/retention.commands.js';
import { recentAuditEvents } from '../../src/store/audit.store.js';
import { makeOrganisation, makeUser, signIn, startTestApp, systemActor, type Client, type TestApp } from '../app.js';
import { DIALECTS } from '../dialects.js';

const MONTH = 31 * 24 * 3600 * 1000;

describe.each(DIALECTS)('retention and erasure on %s', (dialect) => {
  let t: TestApp;
  let offsetMs = 0;
  const clock = { now: () => new Date(Date.now() + offsetMs) };
  let shelterId: string;
  /** Signs in at the test clock's current time: sessions end after hours, and these tests travel months. */
  const as = (username: string): Promise<Client> => signIn(t.http, username);

  beforeAll(async () => {
    t = await startTestApp(dialect, { OPENNRM_RETENTION_MONTHS: '24' }, { clock });
    const shelter = await makeOrganisation(t.app, 'Shelter', 'shelter');
    shelterId = shelter.id;
    await makeUser(t.app, shelter, 'amina', 'caseworker');
    await makeUser(t.app, shelter, 'jonas', 'supervisor');
    await makeUser(t.app, shelter, 'lucia', 'org_admin');
  });
  afterAll(() => t.close());

  const open = async (givenName: string, familyName: string) => {
    const amina = await as('amina');
    const c = (await amina.send('POST', '/api/v1/cases', { person: { givenName, familyName, sex: 'female', nationality: 'ER', dateOfBirth: '1999-05-06' } })).json();
    await amina.send('POST', `/api/v1/cases/${c.id}/notes`, { body: `Met ${givenName} at the bus station` });
    return c as { id: string; personId: string };
  };
  const retention = (dryRun = false) => runRetention({ ...t.app.deps, clock }, systemActor(), { defaultMonths: 24, dryRun });

  it('anonymises people whose cases closed longer ago than the retention period, and only them; statistics keep counting', async () => {
    const old = await open('Retentionold', 'Person');
    const recent = await open('Retentionrecent', 'Person');
    const stillOpen = await open('Retentionopen', 'Person');
    expect((await (await as('jonas')).send('PATCH', `/api/v1/cases/${old.id}`, { status: 'closed' })).statusCode).toBe(200);
    offsetMs = 20 * MONTH;
    expect((await (await as('jonas')).send('PATCH', `/api/v1/cases/${recent.id}`, { status: 'closed_referred' })).statusCode).toBe(200);
    offsetMs = 26 * MONTH;
    try {
      expect(await retention(true)).toMatchObject({ ok: true, value: { due: 1, anonymised: 0 } });
      const report = await retention();
      expect(report).toMatchObject({ ok: true, value: { due: 1, anonymised: 1 } });
      expect((await retention()).ok).toBe(true);

      const after = await as('jonas');
      const person = (await after.get(`/api/v1/persons/${old.personId}`)).json();
      expect(person).toMatchObject({ givenName: '[anonymised]', familyName: null, dateOfBirth: '1999', sex: 'female', nationality: 'ER', anonymisedAt: expect.any(String) });
      expect((await after.get(`/api/v1/cases/${old.id}`)).json()).toMatchObject({ status: 'closed' });
      expect((await after.get(`/api/v1/cases/${old.id}/notes`)).json().items).toEqual([]);
      expect((await after.get('/api/v1/persons?q=retentionold')).json().items).toEqual([]);
      for (const kept of [recent, stillOpen]) expect((await after.get(`/api/v1/persons/${kept.personId}`)).json().anonymisedAt ?? null).toBeNull();
      const events = await recentAuditEvents(t.app.store.db, 20);
      expect(events.find((e) => e.action === 'person.anonymise' && e.recordId === old.personId)?.details).toBe('{"notesRemoved":1,"reason":"retention"}');
    } finally {
      offsetMs = 0;
    }
  });

  it('follows an organisation’s own schedule, set by its admin', async () => {
    const c = await open('Shortschedule', 'Person');
    await (await as('jonas')).send('PATCH', `/api/v1/cases/${c.id}`, { status: 'closed' });
    const set = await (await as('lucia')).send('PATCH', `/api/v1/organisations/${shelterId}`, { retentionMonths: 1 });
    expect(set.json()).toMatchObject({ retentionMonths: 1 });
    offsetMs = 2 * MONTH;
    try {
      expect(await retention()).toMatchObject({ ok: true, value: { anonymised: 1 } });
    } finally {
      offsetMs = 0;
      await (await as('lucia')).send('PATCH', `/api/v1/organisations/${shelterId}`, { retentionMonths: null });
    }
  });

  it('erases an identity on request, for a supervisor or a DPO only, with its audit record', async () => {
    const c = await open('Erasable', 'Person');
    const [amina, jonas] = [await as('amina'), await as('jonas')];
    expect((await amina.send('POST', `/api/v1/persons/${c.personId}/erase`, { reason: 'data_subject_request' })).statusCode).toBe(404);
    const erased = await jonas.send('POST', `/api/v1/persons/${c.personId}/erase`, { reason: 'data_subject_request' });
    expect(erased.statusCode).toBe(200);
    expect((await jonas.get(`/api/v1/persons/${c.personId}`)).json()).toMatchObject({ givenName: '[anonymised]', familyName: null });
    expect((await jonas.get(`/api/v1/cases/${c.id}`)).statusCode).toBe(200);
    const [event] = (await recentAuditEvents(t.app.store.db, 5)).filter((e) => e.action === 'person.erase');
    expect(event).toMatchObject({ recordId: c.personId, details: '{"notesRemoved":1,"reason":"data_subject_request"}' });
    const rows = await t.app.store.db.selectFrom('person_name_tokens').select('person_id').where('person_id', '=', c.personId).execute();
    expect(rows).toEqual([]);
  });
});
