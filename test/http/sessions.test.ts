import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recentAuditEvents } from '../../src/store/audit.store.js';
import type { User } from '../../src/domain/users/user.schema.js';
import { makeOrganisation, makeUser, signIn, startTestApp, type Client, type TestApp } from '../app.js';
import { DIALECTS } from '../dialects.js';

describe.each(DIALECTS)('session management and permission changes on %s', (dialect) => {
  let t: TestApp;
  let root: Client;
  let lucia: Client;
  let amina: User;
  let otherAdmin: User;
  let sam: User;

  beforeAll(async () => {
    t = await startTestApp(dialect);
    const coordinator = await makeOrganisation(t.app, 'Coordinator', 'national_coordinator');
    const shelter = await makeOrganisation(t.app, 'Shelter', 'shelter');
    const ngo = await makeOrganisation(t.app, 'Other NGO', 'ngo');
    await makeUser(t.app, coordinator, 'root', 'system_admin');
    await makeUser(t.app, shelter, 'lucia', 'org_admin');
    sam = await makeUser(t.app, shelter, 'sam', 'system_admin');
    amina = await makeUser(t.app, shelter, 'amina', 'caseworker');
    await makeUser(t.app, shelter, 'jonas', 'supervisor');
    otherAdmin = await makeUser(t.app, ngo, 'other.admin', 'org_admin');
    [root, lucia] = await Promise.all([signIn(t.http, 'root'), signIn(t.http, 'lucia')]);
  });
  afterAll(() => t.close());

  it('lists one’s own open sessions without tokens, marking the current one', async () => {
    const first = await signIn(t.http, 'jonas');
    const second = await signIn(t.http, 'jonas');
    await (await signIn(t.http, 'jonas')).send('POST', '/api/v1/auth/logout');
    const res = await second.get('/api/v1/auth/sessions');
    expect(res.statusCode).toBe(200);
    const items = res.json().items as Array<Record<string, unknown>>;
    expect(items).toHaveLength(2);
    expect(Object.keys(items[0] ?? {}).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'isCurrent', 'lastSeenAt']);
    expect(items.filter((s) => s.isCurrent)).toHaveLength(1);
    for (const secret of [first.cookie.split('=')[1] ?? 'never', first.csrfToken, second.csrfToken]) expect(res.body).not.toContain(secret);
  });

  it('revokes one of one’s own sessions; another user’s answers 404 and stays open', async () => {
    const mine = await signIn(t.http, 'amina');
    const other = await signIn(t.http, 'amina');
    const ids = ((await mine.get('/api/v1/auth/sessions')).json().items as Array<{ id: string; isCurrent: boolean }>);
    const otherId = ids.find((s) => !s.isCurrent)?.id ?? '';
    const jonas = await signIn(t.http, 'jonas');
    expect((await jonas.send('DELETE', `/api/v1/auth/sessions/${otherId}`)).statusCode).toBe(404);
    expect((await other.get('/api/v1/auth/session')).statusCode).toBe(200);
    const revoked = await mine.send('DELETE', `/api/v1/auth/sessions/${otherId}`);
    expect(revoked.statusCode).toBe(204);
    expect((await other.get('/api/v1/auth/session')).statusCode).toBe(401);
    expect((await mine.send('DELETE', `/api/v1/auth/sessions/${otherId}`)).json().error.code).toBe('session.not_found');
    expect((await recentAuditEvents(t.app.store.db, 5)).find((e) => e.action === 'auth.session_revoke')).toMatchObject({ recordId: otherId, outcome: 'success' });
    // Revoking the current session signs out and clears the cookie.
    const currentId = ids.find((s) => s.isCurrent)?.id ?? '';
    const out = await mine.send('DELETE', `/api/v1/auth/sessions/${currentId}`);
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toContain('Max-Age=0');
    expect((await mine.get('/api/v1/auth/session')).statusCode).toBe(401);
  });

  it('lets a system admin or the user’s organisation admin end all of a user’s sessions, and audits it', async () => {
    const a = await signIn(t.http, 'amina');
    const b = await signIn(t.http, 'amina');
    const res = await lucia.send('POST', `/api/v1/users/${amina.id}/revoke-sessions`);
    expect(res.statusCode).toBe(200);
    expect(res.json().revoked).toBeGreaterThanOrEqual(2);
    for (const c of [a, b]) expect((await c.get('/api/v1/auth/session')).statusCode).toBe(401);
    expect((await recentAuditEvents(t.app.store.db, 1))[0]).toMatchObject({ action: 'user.revoke_sessions', recordId: amina.id });
    expect((await root.send('POST', `/api/v1/users/${amina.id}/revoke-sessions`)).statusCode).toBe(200);
    const other = await signIn(t.http, 'other.admin');
    expect((await other.send('POST', `/api/v1/users/${amina.id}/revoke-sessions`)).statusCode).toBe(404);
    expect((await lucia.send('POST', `/api/v1/users/${otherAdmin.id}/revoke-sessions`)).statusCode).toBe(404);
    expect((await lucia.send('POST', `/api/v1/users/${sam.id}/revoke-sessions`)).json().error.code).toBe('user.role_not_allowed');
    const caseworker = await signIn(t.http, 'amina');
    expect((await caseworker.send('POST', `/api/v1/users/${amina.id}/revoke-sessions`)).statusCode).toBe(404);
  });

  it('changes a role within the admin’s scope, audits from and to, and ends the user’s sessions', async () => {
    const before = await signIn(t.http, 'amina');
    const res = await lucia.send('PATCH', `/api/v1/users/${amina.id}`, { role: 'supervisor' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: amina.id, role: 'supervisor' });
    const event = (await recentAuditEvents(t.app.store.db, 1))[0];
    expect(event).toMatchObject({ action: 'user.role_change', recordId: amina.id });
    expect(JSON.parse(event?.details ?? '{}')).toMatchObject({ from: 'caseworker', to: 'supervisor' });
    expect((await before.get('/api/v1/auth/session')).statusCode).toBe(401);
    expect((await (await signIn(t.http, 'amina')).get('/api/v1/auth/session')).json().user.role).toBe('supervisor');
  });

  it('changes a display name without ending sessions', async () => {
    const session = await signIn(t.http, 'amina');
    const res = await lucia.send('PATCH', `/api/v1/users/${amina.id}`, { displayName: 'Amina A.' });
    expect(res.json()).toMatchObject({ displayName: 'Amina A.' });
    expect((await recentAuditEvents(t.app.store.db, 1))[0]).toMatchObject({ action: 'user.update', details: '{"fields":["displayName"]}' });
    expect((await session.get('/api/v1/auth/session')).statusCode).toBe(200);
  });

  it('does not let organisation admins grant system admin, change a system admin, or reach another organisation', async () => {
    expect((await lucia.send('PATCH', `/api/v1/users/${amina.id}`, { role: 'system_admin' })).json().error.code).toBe('user.role_not_allowed');
    expect((await lucia.send('PATCH', `/api/v1/users/${sam.id}`, { role: 'caseworker' })).json().error.code).toBe('user.role_not_allowed');
    expect((await lucia.send('PATCH', `/api/v1/users/${otherAdmin.id}`, { displayName: 'x' })).statusCode).toBe(404);
    expect((await lucia.send('PATCH', `/api/v1/users/${amina.id}`, {})).statusCode).toBe(400);
    // A system admin can do all of it.
    expect((await root.send('PATCH', `/api/v1/users/${sam.id}`, { role: 'org_admin' })).json().role).toBe('org_admin');
    expect((await root.send('PATCH', `/api/v1/users/${amina.id}`, { role: 'caseworker' })).json().role).toBe('caseworker');
  });
});
