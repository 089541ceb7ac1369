import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recentAuditEvents } from '../../src/store/audit.store.js';
import { disableUser } from '../../src/domain/users/user.commands.js';
import { makeOrganisation, makeUser, signIn, startTestApp, systemActor, TEST_PASSWORD, type TestApp } from '../app.js';
import { DIALECTS } from '../dialects.js';

describe.each(DIALECTS)('sign-in and sessions on %s', (dialect) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(dialect, { OPENNRM_LOGIN_MAX_FAILURES: '3', OPENNRM_LOGIN_RATE_PER_MINUTE: '1000' });
    const org = await makeOrganisation(t.app, 'Hotline', 'hotline');
    await makeUser(t.app, org, 'amina', 'caseworker');
    await makeUser(t.app, org, 'locked.out', 'caseworker');
    const gone = await makeUser(t.app, org, 'gone', 'caseworker');
    await disableUser(t.app.deps, systemActor(), gone.id);
  });
  afterAll(() => t.close());

  const login = (username: string, password: string) =>
    t.http.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });

  it('signs in with a HttpOnly, SameSite=Strict session cookie and returns a CSRF token', async () => {
    const res = await login('amina', TEST_PASSWORD);
    expect(res.statusCode).toBe(200);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^opennrm_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(res.json()).toMatchObject({ user: { username: 'amina', role: 'caseworker' }, csrfToken: expect.any(String) });
    expect(res.json().user.passwordHash).toBeUndefined();
  });

  it('answers a wrong password, an unknown user and a disabled user alike', async () => {
    const answers = await Promise.all([login('amina', 'wrong password!'), login('nobody', TEST_PASSWORD), login('gone', TEST_PASSWORD)]);
    for (const res of answers) {
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual(answers[0]!.json());
    }
    expect(answers[0]!.json().error.code).toBe('auth.invalid_credentials');
  });

  it('locks an account after repeated wrong passwords, even for the right one, and audits why', async () => {
    for (let i = 0; i < 3; i++) expect((await login('locked.out', 'not the password')).statusCode).toBe(401);
    const res = await login('locked.out', TEST_PASSWORD);
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('auth.invalid_credentials');
    const events = await recentAuditEvents(t.app.store.db, 10);
    expect(events.some((e) => e.action === 'auth.lockout')).toBe(true);
    expect(events[0]).toMatchObject({ action: 'auth.login', outcome: 'denied', details: '{"reason":"locked"}' });
  });

  it('rejects writes without the CSRF token of the session', async () => {
    const client = await signIn(t.http, 'amina');
    const body = { person: { givenName: 'Test' } };
    const missing = await t.http.inject({ method: 'POST', url: '/api/v1/cases', headers: { cookie: client.cookie }, payload: body });
    expect(missing.statusCode).toBe(403);
    expect(missing.json().error.code).toBe('auth.csrf_failed');
    const wrong = await client.send('POST', '/api/v1/cases', body, { 'x-csrf-token': 'x'.repeat(43) });
    expect(wrong.statusCode).toBe(403);
    expect((await client.send('POST', '/api/v1/cases', body)).statusCode).toBe(201);
  });

  it('needs a session for everything under /api/v1 except sign-in and the OpenAPI document', async () => {
    for (const url of ['/api/v1/cases', '/api/v1/persons', '/api/v1/users', '/api/v1/organisations', '/api/v1/auth/session']) {
      const res = await t.http.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('auth.unauthenticated');
    }
    const forged = await t.http.inject({ method: 'GET', url: '/api/v1/cases', headers: { cookie: 'opennrm_session=forged-token-value' } });
    expect(forged.statusCode).toBe(401);
  });

  it('ends the session on sign-out', async () => {
    const client = await signIn(t.http, 'amina');
    expect((await client.get('/api/v1/auth/session')).statusCode).toBe(200);
    const out = await client.send('POST', '/api/v1/auth/logout');
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toContain('Max-Age=0');
    expect((await client.get('/api/v1/auth/session')).statusCode).toBe(401);
  });

  it('changes the password after checking the current one, and ends the other sessions', async () => {
    const first = await signIn(t.http, 'amina');
    const second = await signIn(t.http, 'amina');
    const wrong = await first.send('POST', '/api/v1/auth/password', { currentPassword: 'nope nope nope', newPassword: 'a new long passphrase' });
    expect(wrong.statusCode).toBe(401);
    const short = await first.send('POST', '/api/v1/auth/password', { currentPassword: TEST_PASSWORD, newPassword: 'short' });
    // The password policy answers weak passwords with a reason (test/http/password-policy.test.ts has the rest).
    expect(short.statusCode).toBe(422);
    expect(short.json().error).toMatchObject({ code: 'auth.password_too_weak', details: [{ path: 'body.newPassword', message: 'too_short' }] });
    const changed = await first.send('POST', '/api/v1/auth/password', { currentPassword: TEST_PASSWORD, newPassword: 'a new long passphrase' });
    expect(changed.statusCode).toBe(204);
    expect((await first.get('/api/v1/auth/session')).statusCode).toBe(200);
    expect((await second.get('/api/v1/auth/session')).statusCode).toBe(401);
    expect((await login('amina', TEST_PASSWORD)).statusCode).toBe(401);
    expect((await login('amina', 'a new long passphrase')).statusCode).toBe(200);
  });

  it('ends the sessions of a user who is disabled', async () => {
    const org = await makeOrganisation(t.app, 'Shelter for disable test', 'shelter');
    const user = await makeUser(t.app, org, 'soon.gone', 'caseworker');
    const client = await signIn(t.http, 'soon.gone');
    await disableUser(t.app.deps, systemActor(), user.id);
    expect((await client.get('/api/v1/auth/session')).statusCode).toBe(401);
  });
});

describe('session expiry and sign-in rate limit', () => {
  it('expires an idle session and limits sign-in attempts per address', async () => {
    let offsetMs = 0;
    const clock = { now: () => new Date(Date.now() + offsetMs) };
    const t = await startTestApp('sqlite', { OPENNRM_LOGIN_RATE_PER_MINUTE: '5', OPENNRM_SESSION_IDLE_MINUTES: '5' }, { clock });
    try {
      const org = await makeOrganisation(t.app, 'Clinic', 'health');
      await makeUser(t.app, org, 'nurse', 'caseworker');
      const client = await signIn(t.http, 'nurse');
      offsetMs = 4 * 60_000;
      expect((await client.get('/api/v1/auth/session')).statusCode).toBe(200);
      offsetMs = 10 * 60_000;
      const expired = await client.get('/api/v1/auth/session');
      expect(expired.statusCode).toBe(401);
      expect(expired.json().error.code).toBe('auth.unauthenticated');

      const answers = [];
      for (let i = 0; i < 6; i++) {
        answers.push((await t.http.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'nurse', password: 'wrong' } })).statusCode);
      }
      expect(answers.slice(0, 4)).toEqual([401, 401, 401, 401]);
      expect(answers[5]).toBe(429);
    } finally {
      await t.close();
    }
  });
});
