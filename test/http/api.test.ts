import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeOrganisation, makeUser, signIn, startTestApp, type Client, type TestApp } from '../app.js';
import { DIALECTS } from '../dialects.js';

describe.each(DIALECTS)('API surface on %s', (dialect) => {
  let t: TestApp;
  let admin: Client;
  let orgAdmin: Client;
  let caseworker: Client;
  let shelterId: string;

  beforeAll(async () => {
    t = await startTestApp(dialect, { OPENNRM_BODY_LIMIT_BYTES: '4096' });
    const coordinator = await makeOrganisation(t.app, 'Coordinator', 'national_coordinator');
    const shelter = await makeOrganisation(t.app, 'Shelter', 'shelter');
    shelterId = shelter.id;
    await makeUser(t.app, coordinator, 'root', 'system_admin');
    await makeUser(t.app, shelter, 'lucia', 'org_admin');
    await makeUser(t.app, shelter, 'amina', 'caseworker');
    [admin, orgAdmin, caseworker] = await Promise.all([signIn(t.http, 'root'), signIn(t.http, 'lucia'), signIn(t.http, 'amina')]);
  });
  afterAll(() => t.close());

  it('answers liveness and readiness', async () => {
    expect((await t.http.inject('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await t.http.inject('/readyz')).json()).toEqual({ status: 'ok', checks: { database: 'ok', migrations: 'ok' } });
  });

  it('serves an OpenAPI 3.1 document generated from the route schemas', async () => {
    const doc = (await t.http.inject('/api/v1/openapi.json')).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/cases', '/api/v1/cases/{id}', '/api/v1/auth/login', '/api/v1/users']));
    const create = doc.paths['/api/v1/cases'].post;
    expect(create.requestBody.content['application/json'].schema.properties).toHaveProperty('person');
    expect(create.responses).toHaveProperty('201');
  });

  it('sets security headers and a request id on every response', async () => {
    const res = await t.http.inject('/api/v1/nowhere');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'route.not_found', message: expect.any(String) } });
    for (const header of ['content-security-policy', 'x-content-type-options', 'x-frame-options', 'referrer-policy', 'x-request-id']) {
      expect(res.headers[header]).toBeTruthy();
    }
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('answers URLs the router cannot decode in the one error format, without echoing them', async () => {
    for (const url of ['/api/v1/cases/%E0%A4%A', `/api/v1/persons/${'selam'.repeat(60)}`]) {
      const res = await caseworker.get(url);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('request.invalid');
      expect(res.body).not.toContain('selam');
      expect(res.headers['content-security-policy']).toBeTruthy();
      expect(res.headers['x-request-id']).toBeTruthy();
    }
  });

  it('answers oversized bodies with 413 and other media types with 415, in the one error format', async () => {
    const big = await caseworker.send('POST', '/api/v1/persons', { givenName: 'x'.repeat(5000) });
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('request.too_large');
    const text = await t.http.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'text/plain' }, payload: 'hello' });
    expect(text.statusCode).toBe(415);
    expect(text.json().error.code).toBe('request.unsupported_media_type');
  });

  it('explains validation failures field by field, without echoing values', async () => {
    const res = await caseworker.send('POST', '/api/v1/persons', { givenName: '', nationality: 'france', secret: 'do-not-echo' });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error.code).toBe('request.invalid');
    expect(body.error.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['body.givenName', 'body.nationality']));
    expect(res.body).not.toContain('do-not-echo');
    expect(res.body).not.toContain('france');
  });

  it('lets system administrators manage organisations, and nobody else', async () => {
    const created = await admin.send('POST', '/api/v1/organisations', { name: 'Labour Inspectorate', type: 'labour_inspection', country: 'FR' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ type: 'labour_inspection', sector: 'labour_inspection' });
    expect((await admin.send('POST', '/api/v1/organisations', { name: 'Labour Inspectorate', type: 'police' })).statusCode).toBe(409);
    expect((await orgAdmin.send('POST', '/api/v1/organisations', { name: 'Rogue', type: 'ngo' })).statusCode).toBe(403);
    expect((await admin.get('/api/v1/organisations')).json().items.length).toBe(3);
    expect((await caseworker.get('/api/v1/organisations')).json().items.map((o: { name: string }) => o.name)).toEqual(['Shelter']);
    expect((await caseworker.get(`/api/v1/organisations/${created.json().id}`)).statusCode).toBe(404);
  });

  it('lets organisation admins manage their own users but not mint system admins', async () => {
    const user = await orgAdmin.send('POST', '/api/v1/users', { organisationId: shelterId, username: 'New.Worker', displayName: 'New', role: 'caseworker', password: 'a long enough password' });
    expect(user.statusCode).toBe(201);
    expect(user.json()).toMatchObject({ username: 'new.worker', isDisabled: false });
    expect(user.json()).not.toHaveProperty('passwordHash');
    const escalate = await orgAdmin.send('POST', '/api/v1/users', { organisationId: shelterId, username: 'evil', displayName: 'Evil', role: 'system_admin', password: 'a long enough password' });
    expect(escalate.statusCode).toBe(403);
    expect((await orgAdmin.send('POST', '/api/v1/users', { organisationId: shelterId, username: 'amina', displayName: 'Dup', role: 'caseworker', password: 'a long enough password' })).statusCode).toBe(409);
    expect((await caseworker.get('/api/v1/users')).statusCode).toBe(403);
    const listed = (await orgAdmin.get('/api/v1/users')).json().items.map((u: { username: string }) => u.username);
    expect(listed).toEqual(expect.arrayContaining(['lucia', 'amina', 'new.worker']));
    expect(listed).not.toContain('root');
    const disabled = await orgAdmin.send('POST', `/api/v1/users/${user.json().id}/disable`);
    expect(disabled.json()).toMatchObject({ isDisabled: true });
    const rootId = (await admin.get('/api/v1/auth/session')).json().user.id;
    expect((await orgAdmin.send('POST', `/api/v1/users/${rootId}/disable`)).statusCode).toBe(404);
  });
});
