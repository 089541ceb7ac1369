import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolTotp, makeOrganisation, makeUser, signIn, startTestApp, steppingClock, type Client, type TestApp } from '../app.js';
import { DIALECTS } from '../dialects.js';

/**
 * A session that owes its second factor must reach nothing but the second-factor steps, whatever route it tries:
 * every route of the OpenAPI document is called, so a route added tomorrow is checked without touching this file.
 */
const ALLOWED: Record<'required_enrol' | 'required_verify', readonly string[]> = {
  required_enrol: ['GET /api/v1/auth/session', 'POST /api/v1/auth/logout', 'POST /api/v1/auth/totp/enrol', 'POST /api/v1/auth/totp/enrol/confirm'],
  required_verify: ['GET /api/v1/auth/session', 'POST /api/v1/auth/logout', 'POST /api/v1/auth/totp/verify'],
};

describe.each(DIALECTS)('sessions short of their second factor on %s', (dialect) => {
  let t: TestApp;
  let operations: Array<{ method: string; path: string }>;
  const clock = steppingClock();

  beforeAll(async () => {
    t = await startTestApp(dialect, { OPENNRM_TOTP_REQUIRED: 'default' }, { clock });
    const org = await makeOrganisation(t.app, 'Border Agency', 'border_guard');
    await makeUser(t.app, org, 'never.enrolled', 'caseworker');
    await makeUser(t.app, org, 'enrolled', 'org_admin');
    await enrolTotp(t.http, clock, await signIn(t.http, 'enrolled'));
    const doc = (await t.http.inject('/api/v1/openapi.json')).json() as { paths: Record<string, Record<string, unknown>> };
    operations = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => ({ method: m.toUpperCase(), path })));
  });
  afterAll(() => t.close());

  /** Calls every other route; returns those that answered anything but the refusal. */
  async function sweep(client: Client, allowed: readonly string[]): Promise<string[]> {
    const reached: string[] = [];
    let tried = 0;
    for (const { method, path } of operations) {
      const key = `${method} ${path}`;
      if (!path.startsWith('/api/v1/') || key === 'POST /api/v1/auth/login' || allowed.includes(key)) continue;
      tried += 1;
      const url = path.replace(/\{\w+\}/g, () => randomUUID());
      const res = method === 'GET' ? await client.get(url) : await client.send(method as 'POST', url, {});
      if (res.statusCode !== 403 || res.json().error.code !== 'auth.second_factor_required') reached.push(`${key} -> ${res.statusCode}`);
    }
    expect(tried).toBeGreaterThan(15);
    return reached;
  }

  it('sees the routes to sweep', () => {
    expect(operations.length).toBeGreaterThan(20);
    expect(operations).toContainEqual({ method: 'PATCH', path: '/api/v1/users/{id}' });
  });

  it('lets a required user who has not enrolled reach only enrolment, the session and sign-out', async () => {
    const client = await signIn(t.http, 'never.enrolled');
    expect((await client.get('/api/v1/auth/session')).json().secondFactor).toBe('required_enrol');
    expect(await sweep(client, ALLOWED.required_enrol)).toEqual([]);
  });

  it('lets a session waiting for its code reach only the code step, the session and sign-out', async () => {
    const client = await signIn(t.http, 'enrolled');
    expect((await client.get('/api/v1/auth/session')).json().secondFactor).toBe('required_verify');
    expect(await sweep(client, [...ALLOWED.required_verify])).toEqual([]);
    expect((await client.send('POST', '/api/v1/auth/logout')).statusCode).toBe(204);
  });
});
