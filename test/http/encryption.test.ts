import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeOrganisation, makeUser, signIn, startTestApp, type Client, type TestApp } from '../app.js';
import { DIALECTS } from '../dialects.js';
import { containsText, sqliteFileBytes } from '../files.js';

describe.each(DIALECTS)('encryption at rest through the API on %s', (dialect) => {
  let t: TestApp;
  let amina: Client;
  const PEOPLE = [
    { givenName: 'Zeynepunique', familyName: 'Kayaunique', dateOfBirth: '1990-04-17', sex: 'female', nationality: 'TR' },
    { givenName: 'Nguyen', familyName: 'Van Anunique', dateOfBirth: '2008-03', sex: 'male' },
    { givenName: 'María José', familyName: 'Ramírezunique', sex: 'female' },
  ];
  const NOTE = 'Told us about her employer Mr Secretiveunique';
  const personIds: string[] = [];
  const logs: string[] = [];

  beforeAll(async () => {
    t = await startTestApp(dialect, {}, { logs });
    const shelter = await makeOrganisation(t.app, 'Shelter', 'shelter');
    await makeUser(t.app, shelter, 'amina', 'caseworker');
    amina = await signIn(t.http, 'amina');
    for (const person of PEOPLE) {
      const res = await amina.send('POST', '/api/v1/cases', { person });
      expect(res.statusCode).toBe(201);
      personIds.push(res.json().personId);
      if (personIds.length === 1) expect((await amina.send('POST', `/api/v1/cases/${res.json().id}/notes`, { body: NOTE })).statusCode).toBe(201);
    }
  });
  afterAll(() => t.close());

  it('keeps only ciphertext in the identity columns and notes, and clear statistical attributes', async () => {
    const rows = await t.app.store.db.selectFrom('persons').selectAll().where('id', 'in', personIds).execute();
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row.given_name.startsWith('v1.')).toBe(true);
      expect(row.family_name?.startsWith('v1.')).toBe(true);
      if (row.date_of_birth !== null) expect(row.date_of_birth.startsWith('v1.')).toBe(true);
      expect(row.name_search).toBe('');
    }
    expect(rows.map((r) => r.sex).sort()).toEqual(['female', 'female', 'male']);
    expect(rows.map((r) => r.nationality)).toContain('TR');
    const notes = await t.app.store.db.selectFrom('case_notes').select('body').execute();
    expect(notes.map((n) => n.body.slice(0, 3))).toEqual(['v1.']);
    // The API still answers in clear.
    const person = (await amina.get(`/api/v1/persons/${personIds[0]}`)).json();
    expect(person).toMatchObject({ givenName: 'Zeynepunique', familyName: 'Kayaunique', dateOfBirth: '1990-04-17' });
  });

  it.runIf(dialect === 'sqlite')('leaves no name, birth date or note in the SQLite files', async () => {
    const bytes = await sqliteFileBytes(t.app.store);
    expect(bytes.length).toBeGreaterThan(10_000);
    for (const clear of ['Zeynepunique', 'zeynepunique', 'Kayaunique', 'kayaunique', '1990-04-17', 'Anunique', 'anunique', 'Ramírezunique', 'ramirezunique', 'Secretiveunique']) {
      expect(containsText(bytes, clear), clear).toBe(false);
    }
  });

  it('searches by whole name words, accents and case ignored, all words required', async () => {
    const ids = async (q: string) => ((await amina.get(`/api/v1/persons?q=${encodeURIComponent(q)}`)).json().items as Array<{ id: string }>).map((p) => p.id);
    expect(await ids('ZEYNEPUNIQUE')).toEqual([personIds[0]]);
    expect(await ids('van anunique')).toEqual([personIds[1]]);
    expect(await ids('jose ramirezunique')).toEqual([personIds[2]]);
    expect(await ids('maria josé')).toEqual([personIds[2]]);
    for (const miss of ['zeynep', 'unique', 'van zeynepunique', '%', '***']) expect(await ids(miss), miss).toEqual([]);
    const cases = (await amina.get('/api/v1/cases?q=kayaunique')).json().items;
    expect(cases.map((c: { personId: string }) => c.personId)).toEqual([personIds[0]]);
    expect(cases[0].person).toMatchObject({ givenName: 'Zeynepunique', familyName: 'Kayaunique' });
  });

  it('re-indexes a changed name: the old words stop matching, the new ones match', async () => {
    const res = await amina.send('PATCH', `/api/v1/persons/${personIds[1]}`, { familyName: 'Thi Hoaunique' });
    expect(res.statusCode).toBe(200);
    const ids = async (q: string) => ((await amina.get(`/api/v1/persons?q=${encodeURIComponent(q)}`)).json().items as Array<{ id: string }>).map((p) => p.id);
    expect(await ids('anunique')).toEqual([]);
    expect(await ids('nguyen hoaunique')).toEqual([personIds[1]]);
  });

  it('refuses a ciphertext moved to another person: a 500 that says nothing, logged by error code only', async () => {
    const db = t.app.store.db;
    const [a, b] = await Promise.all(personIds.slice(0, 2).map((id) => db.selectFrom('persons').select(['id', 'given_name']).where('id', '=', id).executeTakeFirstOrThrow()));
    await db.updateTable('persons').set({ given_name: a!.given_name }).where('id', '=', b!.id).execute();
    try {
      const res = await amina.get(`/api/v1/persons/${b!.id}`);
      expect(res.statusCode).toBe(500);
      expect(res.json().error.code).toBe('internal');
      expect(res.body).not.toContain('Zeynepunique');
      const logged = logs.map((l) => JSON.parse(l) as { err?: { type?: string; code?: string } }).filter((l) => l.err?.type === 'FieldCipherError');
      expect(logged.at(-1)?.err?.code).toBe('cipher.authentication_failed');
      expect(logs.join('')).not.toContain('Zeynepunique');
    } finally {
      await db.updateTable('persons').set({ given_name: b!.given_name }).where('id', '=', b!.id).execute();
    }
    expect((await amina.get(`/api/v1/persons/${b!.id}`)).json().givenName).toBe('Nguyen');
  });
});
