import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeOrganisation, makeUser, signIn, startTestApp, type Client, type TestApp } from '../app.js';
import { DIALECTS } from '../dialects.js';

describe.each(DIALECTS)('anonymous notifications on %s', (dialect) => {
  let t: TestApp;
  let inspector: Client;
  let coordinator: Client;
  let analyst: Client;
  const report = { encounteredOn: '2026-11-20', sex: 'male', ageBand: '30-38', isMinorAtExploitation: 'no', citizenship: 'UA', countryOfExploitation: 'PL', exploitationTypes: ['forced_labour', 'forced_begging'], whyAnonymous: 'no_consent_to_referral' };

  beforeAll(async () => {
    t = await startTestApp(dialect);
    const inspection = await makeOrganisation(t.app, 'Inspectorate', 'labour_inspection');
    const nc = await makeOrganisation(t.app, 'Coordinator', 'national_coordinator');
    const stats = await makeOrganisation(t.app, 'Statistics', 'statistics_office');
    await makeUser(t.app, inspection, 'tomasz', 'caseworker');
    await makeUser(t.app, nc, 'nadia', 'supervisor');
    await makeUser(t.app, stats, 'mei', 'analyst');
    [inspector, coordinator, analyst] = await Promise.all([signIn(t.http, 'tomasz'), signIn(t.http, 'nadia'), signIn(t.http, 'mei')]);
  });
  afterAll(() => t.close());

  it('counts a person who did not consent, with nothing that identifies them', async () => {
    const filed = await inspector.send('POST', '/api/v1/anonymous-reports', report);
    expect(filed.statusCode).toBe(201);
    expect(filed.json()).toMatchObject({ ...report, reportingOrganisationId: expect.any(String) });
    const listed = (await coordinator.get('/api/v1/anonymous-reports')).json();
    expect(listed.items.map((r: { id: string }) => r.id)).toContain(filed.json().id);
  });

  it('refuses identifying fields, future dates and readers outside coordination', async () => {
    expect((await inspector.send('POST', '/api/v1/anonymous-reports', { ...report, givenName: 'Oleksandr' })).statusCode).toBe(400);
    expect((await inspector.send('POST', '/api/v1/anonymous-reports', { ...report, encounteredOn: '2099-01-01' })).statusCode).toBe(400);
    expect((await inspector.get('/api/v1/anonymous-reports')).statusCode).toBe(403);
    expect((await analyst.send('POST', '/api/v1/anonymous-reports', report)).statusCode).toBe(403);
  });
});
