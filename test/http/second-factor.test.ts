import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recentAuditEvents } from '../../src/store/audit.store.js';
import {
  clientFrom,
  codeFor,
  cookieOf,
  enrolTotp,
  makeOrganisation,
  makeUser,
  signIn,
  signInWithCode,
  startTestApp,
  steppingClock,
  TEST_PASSWORD,
  type TestApp,
} from '../app.js';
import { DIALECTS } from '../dialects.js';

/** Two-factor sign-in end to end, with the requirement on (OPENNRM_TOTP_REQUIRED=default). */
describe.each(DIALECTS)('TOTP two-factor authentication on %s', (dialect) => {
  let t: TestApp;
  const clock = steppingClock();
  const login = (username: string, password = TEST_PASSWORD) => t.http.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
  const actions = async (n: number) => (await recentAuditEvents(t.app.store.db, n)).map((e) => `${e.action}:${e.outcome}`);

  beforeAll(async () => {
    t = await startTestApp(dialect, { OPENNRM_TOTP_REQUIRED: 'default', OPENNRM_LOGIN_MAX_FAILURES: '3', OPENNRM_LOGIN_RATE_PER_MINUTE: '1000' }, { clock });
    const shelter = await makeOrganisation(t.app, 'Shelter', 'shelter');
    const police = await makeOrganisation(t.app, 'Police', 'police');
    const inspectorate = await makeOrganisation(t.app, 'Inspectorate', 'labour_inspection');
    for (const [name, role] of [['jonas', 'supervisor'], ['sara', 'supervisor'], ['lock.me', 'supervisor'], ['amina', 'caseworker']] as const) {
      await makeUser(t.app, shelter, name, role);
    }
    await makeUser(t.app, police, 'claire', 'caseworker');
    await makeUser(t.app, inspectorate, 'tomasz', 'caseworker');
  });
  afterAll(() => t.close());

  it('requires it of supervisors and police caseworkers, not of shelter or inspectorate caseworkers', async () => {
    const states = await Promise.all(['jonas', 'claire', 'amina', 'tomasz'].map(async (u) => (await login(u)).json().secondFactor));
    expect(states).toEqual(['required_enrol', 'required_enrol', 'not_required', 'not_required']);
  });

  it('restricts a required user who has not enrolled to enrolment, then gives a full session once a code confirms it', async () => {
    const pending = await signIn(t.http, 'jonas');
    const session = await pending.get('/api/v1/auth/session');
    expect(session.statusCode).toBe(200);
    expect(session.json()).toMatchObject({ secondFactor: 'required_enrol', isSecondFactorRequired: true });
    const refused = await pending.get('/api/v1/cases');
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('auth.second_factor_required');

    const started = await pending.send('POST', '/api/v1/auth/totp/enrol');
    expect(started.statusCode).toBe(200);
    const { secret, otpauthUri } = started.json();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(otpauthUri).toBe(`otpauth://totp/OpenNRM:jonas?secret=${secret}&issuer=OpenNRM&algorithm=SHA1&digits=6&period=30`);
    expect(String(started.headers['cache-control'])).toBe('no-store');
    // At rest the secret is sealed with the field cipher, never the base32 the authenticator holds.
    const stored = await t.app.store.db.selectFrom('users').select('totp_secret').where('username', '=', 'jonas').executeTakeFirstOrThrow();
    expect(stored.totp_secret).toMatch(/^v1\./);
    expect(stored.totp_secret).not.toContain(secret);

    const wrong = await pending.send('POST', '/api/v1/auth/totp/enrol/confirm', { code: codeFor(secret, new Date(clock.now().getTime() - 300_000)) });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().error.code).toBe('auth.totp_invalid');

    const confirmed = await pending.send('POST', '/api/v1/auth/totp/enrol/confirm', { code: codeFor(secret, clock.now()) });
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json()).toMatchObject({ secondFactor: 'verified', csrfToken: expect.any(String) });
    const full = clientFrom(t.http, cookieOf(confirmed), confirmed.json().csrfToken);
    expect(full.cookie).not.toBe(pending.cookie);
    expect((await full.get('/api/v1/cases')).statusCode).toBe(200);
    expect((await full.get('/api/v1/auth/session')).json().secondFactor).toBe('verified');
    // The token of before the code is worth nothing now.
    expect((await pending.get('/api/v1/auth/session')).statusCode).toBe(401);
    expect(await actions(4)).toEqual(expect.arrayContaining(['auth.totp_enrol_start:success', 'auth.totp_enrol_confirm:denied', 'auth.totp_enrol_confirm:success']));

    // From now on signing in takes the code.
    const next = await login('jonas');
    expect(next.json().secondFactor).toBe('required_verify');
    const halfway = clientFrom(t.http, cookieOf(next), next.json().csrfToken);
    expect((await halfway.get('/api/v1/cases')).json().error.code).toBe('auth.second_factor_required');
    expect((await halfway.send('POST', '/api/v1/auth/totp/enrol')).json().error.code).toBe('auth.second_factor_required');
    clock.advance(30_000);
    const verified = await halfway.send('POST', '/api/v1/auth/totp/verify', { code: codeFor(secret, clock.now()) });
    expect(verified.statusCode).toBe(200);
    expect(verified.json().secondFactor).toBe('verified');
    expect(await actions(2)).toEqual(['auth.totp_verify:success', 'auth.login:success']);
    expect((await clientFrom(t.http, cookieOf(verified), verified.json().csrfToken).get('/api/v1/cases')).statusCode).toBe(200);
    expect((await halfway.get('/api/v1/cases')).statusCode).toBe(401);
  });

  it('refuses a code already used, in the same time step or an earlier one, and accepts one step either side', async () => {
    const pending = await signIn(t.http, 'sara');
    const { secret } = await enrolTotp(t.http, clock, pending);
    // Enrolment consumed the current step: its code cannot sign in.
    const again = await signIn(t.http, 'sara');
    const replayed = await again.send('POST', '/api/v1/auth/totp/verify', { code: codeFor(secret, clock.now()) });
    expect(replayed.statusCode).toBe(422);
    expect(replayed.json().error.code).toBe('auth.totp_invalid');
    expect((await recentAuditEvents(t.app.store.db, 1))[0]).toMatchObject({ action: 'auth.totp_verify', outcome: 'denied', details: '{"reason":"replayed"}' });
    // Two steps later, the previous step's code is still accepted (clock drift), once.
    clock.advance(60_000);
    const previous = codeFor(secret, new Date(clock.now().getTime() - 30_000));
    expect((await again.send('POST', '/api/v1/auth/totp/verify', { code: previous })).statusCode).toBe(200);
    const third = await signIn(t.http, 'sara');
    expect((await third.send('POST', '/api/v1/auth/totp/verify', { code: previous })).json().error.code).toBe('auth.totp_invalid');
    // A code two steps old is refused, and so is one of the step before the last accepted one.
    expect((await third.send('POST', '/api/v1/auth/totp/verify', { code: codeFor(secret, new Date(clock.now().getTime() - 60_000)) })).statusCode).toBe(422);
    expect((await third.send('POST', '/api/v1/auth/totp/verify', { code: codeFor(secret, clock.now()) })).statusCode).toBe(200);
  });

  it('counts wrong codes towards the lockout, even with right passwords in between, and ends the session at the lock', async () => {
    const { secret } = await enrolTotp(t.http, clock, await signIn(t.http, 'lock.me'));
    clock.advance(30_000);
    const wrongCode = String((Number(codeFor(secret, clock.now())) + 1) % 1_000_000).padStart(6, '0');
    const first = await signIn(t.http, 'lock.me');
    expect((await first.send('POST', '/api/v1/auth/totp/verify', { code: wrongCode })).statusCode).toBe(422);
    expect((await first.send('POST', '/api/v1/auth/totp/verify', { code: wrongCode })).statusCode).toBe(422);
    // The right password again must not reset the count of wrong codes.
    const second = await signIn(t.http, 'lock.me');
    expect((await second.send('POST', '/api/v1/auth/totp/verify', { code: wrongCode })).statusCode).toBe(422);
    const events = await recentAuditEvents(t.app.store.db, 3);
    // Newest first: the refused code, the lockout it caused, and the sign-in with the right password before it.
    expect(events.map((e) => e.action)).toEqual(['auth.totp_verify', 'auth.lockout', 'auth.login']);
    expect(events[0]?.details).toBe('{"reason":"wrong_code"}');
    expect((await second.get('/api/v1/auth/session')).statusCode).toBe(401);
    // Locked: the right password is refused like a wrong one, and so would be the right code.
    expect((await login('lock.me')).statusCode).toBe(401);
    clock.advance(16 * 60_000);
    const unlocked = await signInWithCode(t.http, clock, 'lock.me', secret);
    expect((await unlocked.get('/api/v1/cases')).statusCode).toBe(200);
  });

  it('ends a session that waits more than ten minutes for its code', async () => {
    const pending = await signIn(t.http, 'jonas');
    clock.advance(11 * 60_000);
    expect((await pending.get('/api/v1/auth/session')).statusCode).toBe(401);
  });

  it('lets a user who needs none turn it on, and off again with a code', async () => {
    const amina = await signIn(t.http, 'amina');
    expect((await amina.get('/api/v1/auth/session')).json()).toMatchObject({ secondFactor: 'not_required', isSecondFactorRequired: false });
    const { secret, client } = await enrolTotp(t.http, clock, amina);
    expect((await login('amina')).json().secondFactor).toBe('required_verify');
    clock.advance(30_000);
    expect((await client.send('POST', '/api/v1/auth/totp/disable', { code: '000000' })).statusCode).toBe(422);
    expect((await client.send('POST', '/api/v1/auth/totp/disable', { code: codeFor(secret, clock.now()) })).statusCode).toBe(204);
    expect(await actions(2)).toEqual(['auth.totp_disable:success', 'auth.totp_disable:denied']);
    expect((await login('amina')).json().secondFactor).toBe('not_required');
    expect((await client.send('POST', '/api/v1/auth/totp/disable', { code: '123456' })).json().error.code).toBe('auth.totp_not_enabled');
  });

  it('refuses turning it off to a user whose role requires it', async () => {
    const sara = await signInWithCode(t.http, clock, 'sara', await secretOf('sara'));
    clock.advance(30_000);
    const res = await sara.send('POST', '/api/v1/auth/totp/disable', { code: codeFor(await secretOf('sara'), clock.now()) });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('auth.second_factor_mandatory');
  });

  it('answers the second-factor steps only where they make sense', async () => {
    const amina = await signIn(t.http, 'amina');
    expect((await amina.send('POST', '/api/v1/auth/totp/verify', { code: '123456' })).json().error.code).toBe('auth.second_factor_not_pending');
    expect((await amina.send('POST', '/api/v1/auth/totp/enrol/confirm', { code: '123456' })).json().error.code).toBe('auth.totp_enrolment_not_started');
    const jonas = await signInWithCode(t.http, clock, 'jonas', await secretOf('jonas'));
    expect((await jonas.send('POST', '/api/v1/auth/totp/enrol')).json().error.code).toBe('auth.totp_already_enabled');
    expect((await jonas.send('POST', '/api/v1/auth/totp/verify', { code: '123456' })).json().error.code).toBe('auth.second_factor_not_pending');
    expect((await jonas.send('POST', '/api/v1/auth/totp/verify', { code: '12345' })).statusCode).toBe(400);
  });

  /** The stored secret: what the user's authenticator app holds. */
  async function secretOf(username: string): Promise<string> {
    const user = await t.app.deps.uow.read((r) => r.users.findCredentials(username));
    const totp = user && (await t.app.deps.uow.read((r) => r.users.findTotp(user.id)));
    if (!totp?.secret) throw new Error(`${username} has no secret`);
    return totp.secret;
  }
});
