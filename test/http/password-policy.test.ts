import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/domain/users/user.commands.js';
import type { Organisation } from '../../src/domain/orgs/org.schema.js';
import { recentAuditEvents } from '../../src/store/audit.store.js';
import { makeOrganisation, makeUser, signIn, startTestApp, systemActor, TEST_PASSWORD, type Client, type TestApp } from '../app.js';
import { DIALECTS } from '../dialects.js';

describe.each(DIALECTS)('password policy on %s', (dialect) => {
  let t: TestApp;
  let shelter: Organisation;
  let admin: Client;

  beforeAll(async () => {
    t = await startTestApp(dialect);
    shelter = await makeOrganisation(t.app, 'Shelter', 'shelter');
    await makeUser(t.app, shelter, 'lucia', 'org_admin');
    await makeUser(t.app, shelter, 'amina', 'caseworker');
    admin = await signIn(t.http, 'lucia');
  });
  afterAll(() => t.close());

  const create = (username: string, password: string) =>
    admin.send('POST', '/api/v1/users', { organisationId: shelter.id, username, displayName: 'New', role: 'caseworker', password });

  it.each([
    ['too_short', 'elevenchars'],
    ['too_long', 'a'.repeat(257)],
    ['common', 'qazwsxedcrfv'],
    ['common', 'QazWsxEdcRfv'],
    ['contains_username', 'my name is New.Worker, hello'],
  ])('refuses a new account’s password with 422 and the reason %s, never echoing it', async (reason, password) => {
    const res = await create('new.worker', password);
    expect(res.statusCode).toBe(422);
    expect(res.json()).toEqual({ error: { code: 'auth.password_too_weak', message: expect.any(String), details: [{ path: 'body.password', message: reason }] } });
    expect(res.body).not.toContain(password.slice(0, 12));
  });

  it('accepts a long passphrase', async () => {
    expect((await create('new.worker', 'seven lanterns over the harbour')).statusCode).toBe(201);
  });

  it('applies the same policy to a password change, and audits the refusal with its reason only', async () => {
    const amina = await signIn(t.http, 'amina');
    const change = (newPassword: string) => amina.send('POST', '/api/v1/auth/password', { currentPassword: TEST_PASSWORD, newPassword });
    const common = await change('1q2w3e4r5t6y');
    expect(common.json().error.details).toEqual([{ path: 'body.newPassword', message: 'common' }]);
    expect((await change('AMINA-and-her-long-passphrase')).json().error.details).toEqual([{ path: 'body.newPassword', message: 'contains_username' }]);
    expect((await change(TEST_PASSWORD)).json().error.details).toEqual([{ path: 'body.newPassword', message: 'same_as_current' }]);
    const event = (await recentAuditEvents(t.app.store.db, 1))[0];
    expect(event).toMatchObject({ action: 'auth.password_change', outcome: 'denied', details: '{"reason":"same_as_current"}' });
    expect((await change('a different long passphrase')).statusCode).toBe(204);
  });

  it('applies it to accounts the console operator creates (the CLI’s path)', async () => {
    const result = await createUser(t.app.deps, systemActor(), { organisationId: shelter.id, username: 'cli.user', displayName: 'CLI', role: 'caseworker', password: 'Password1234' });
    expect(result).toEqual({ ok: false, error: 'auth.password_too_weak', details: [{ field: 'password', reason: 'common' }] });
  });

  it('checks against the real breach list (about 49,000 passwords)', async () => {
    const list = await t.app.deps.commonPasswords.load();
    for (const p of ['password', '123456', 'qwertyuiop', 'iloveyou']) expect(list.has(p)).toBe(true);
    expect(list.has('seven lanterns over the harbour')).toBe(false);
  });
});
