import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeOrganisation, makeUser, signIn, startTestApp, TEST_PASSWORD, type TestApp } from '../app.js';

describe('logs', () => {
  const logs: string[] = [];
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp('sqlite', {}, { logs });
    const org = await makeOrganisation(t.app, 'Shelter', 'shelter');
    await makeUser(t.app, org, 'amina', 'caseworker');
  });
  afterAll(() => t.close());

  it('hold request lines with route patterns and request ids, and no personal data, secret or token', async () => {
    const client = await signIn(t.http, 'amina');
    const name = 'Zeynepuniquename';
    const created = (await client.send('POST', '/api/v1/cases', { person: { givenName: name, familyName: 'Kayaunique', dateOfBirth: '1990-04-17' } })).json();
    await client.get(`/api/v1/cases?q=${name}`, { 'x-request-id': 'trace-me-123456' });
    await client.get(`/api/v1/persons/${created.personId}`);
    await client.send('POST', `/api/v1/cases/${created.id}/notes`, { body: 'Told me about her employer Mr Secretive' });
    await client.send('POST', '/api/v1/persons', { givenName: name, nationality: 'not-a-country' });
    await t.http.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'amina', password: 'wrong-password-in-log?' } });

    const text = logs.join('');
    expect(logs.length).toBeGreaterThan(5);
    for (const secret of [name, 'Kayaunique', '1990-04-17', 'Mr Secretive', 'wrong-password-in-log?', TEST_PASSWORD, client.csrfToken, client.cookie.split('=')[1] ?? 'never']) {
      expect(text).not.toContain(secret);
    }
    const requests = logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request');
    expect(requests.map((r) => r.route)).toEqual(expect.arrayContaining(['/api/v1/cases', '/api/v1/persons/:id', '/api/v1/auth/login']));
    expect(requests.find((r) => r.reqId === 'trace-me-123456')).toMatchObject({ method: 'GET', route: '/api/v1/cases', status: 200 });
  });
});
