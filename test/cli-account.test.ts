import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer, openApp, type App } from '../src/app.js';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../src/cli/demo-deployment.js';
import { loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/log/logger.js';
import { codeFor, signIn } from './app.js';
import { runCapturedCli, type CliRun } from './cli.js';


/** The demo's second factor and the account-security commands of the CLI, on a demo deployment in a temp dir. */
describe('opennrm CLI: demo codes and account security', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;

  const run = (args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliRun> => runCapturedCli(args, { ...env, ...extraEnv });

  /** The deployment as a server would open it, for signing in over (injected) HTTP. */
  async function withServer<T>(work: (app: App, http: Awaited<ReturnType<typeof createHttpServer>>) => Promise<T>): Promise<T> {
    const app = await openApp(loadConfig(env), { logger: createLogger({ level: 'silent' }) });
    const http = await createHttpServer(app);
    try {
      return await work(app, http);
    } finally {
      await http.close();
      await app.close();
    }
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'opennrm-cli-account-'));
    env = { OPENNRM_DATA_DIR: dir, NODE_ENV: 'development', LOG_LEVEL: 'silent' };
    const demo = await run(['demo']);
    expect(demo.code).toBe(0);
    expect(demo.out).toContain(`demo TOTP secret of the accounts marked 2FA: ${DEMO_TOTP_SECRET}`);
    expect(demo.out).toMatch(/demo\.supervisor\tsupervisor\t2FA/);
    expect(demo.out).toMatch(/demo\.caseworker\tcaseworker$/m);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the current code of a demo account with the demo second factor', async () => {
    const before = new Date();
    const res = await run(['demo', 'code', 'demo.supervisor']);
    expect(res.code).toBe(0);
    expect(res.out).toMatch(/^\d{6}$/);
    // The step may turn between the two readings of the clock.
    expect([codeFor(DEMO_TOTP_SECRET, before), codeFor(DEMO_TOTP_SECRET, new Date())]).toContain(res.out);
    expect(res.err).toMatch(/current for \d+ more second/);
  });

  it('keeps the quick start one step, and signs demo accounts marked 2FA in with the demo code', async () => {
    await withServer(async (_app, http) => {
      const caseworker = await signIn(http, 'demo.caseworker', DEMO_PASSWORD);
      expect((await caseworker.get('/api/v1/auth/session')).json().secondFactor).toBe('not_required');
      expect((await caseworker.get('/api/v1/cases')).statusCode).toBe(200);
      for (const username of ['demo.police', 'demo.border', 'demo.dpo', 'demo.sysadmin']) {
        expect((await (await signIn(http, username, DEMO_PASSWORD)).get('/api/v1/auth/session')).json().secondFactor, username).toBe('required_verify');
      }
      const supervisor = await signIn(http, 'demo.supervisor', DEMO_PASSWORD);
      const code = (await run(['demo', 'code', 'demo.supervisor'])).out;
      const verified = await supervisor.send('POST', '/api/v1/auth/totp/verify', { code });
      // Printing a code does not use it up: nobody has signed in as demo.supervisor in this deployment yet.
      expect(verified.statusCode).toBe(200);
      expect(verified.json().secondFactor).toBe('verified');
    });
  });

  it('refuses codes for accounts without the demo second factor, for real accounts, and in production', async () => {
    const none = await run(['demo', 'code', 'demo.caseworker']);
    expect(none.code).toBe(1);
    expect(none.err).toContain('does not sign in with the demo second factor');
    expect((await run(['users', 'create', '--org', 'DEMO Safe Harbour Shelter', '--username', 'real.person', '--name', 'Real', '--role', 'supervisor'])).code).toBe(0);
    const real = await run(['demo', 'code', 'real.person']);
    expect(real.code).toBe(1);
    expect(real.err).toContain('not a demo account');
    expect(real.out).toBe('');
    const production = await run(['demo', 'code', 'demo.supervisor'], { NODE_ENV: 'production', OPENNRM_SESSION_SECRET: 'z'.repeat(40), OPENNRM_DATA_KEY: Buffer.alloc(32, 7).toString('base64') });
    expect(production.code).toBe(1);
    expect(production.err).toContain('never given in production');
    expect(production.out).toBe('');
  });

  it('ends every session of a user', async () => {
    await withServer(async (_app, http) => {
      const a = await signIn(http, 'demo.caseworker', DEMO_PASSWORD);
      const res = await run(['users', 'revoke-sessions', 'demo.caseworker']);
      expect(res.code).toBe(0);
      expect(res.out).toMatch(/^revoked [1-9]\d* session\(s\) of demo\.caseworker$/);
      expect((await a.get('/api/v1/auth/session')).statusCode).toBe(401);
    });
    expect((await run(['users', 'revoke-sessions', 'nobody.here'])).code).toBe(1);
  });

  it('resets a user’s second factor: the next sign-in leads to enrolment', async () => {
    const res = await run(['users', 'reset-2fa', 'demo.orgadmin']);
    expect(res.code).toBe(0);
    expect(res.out).toBe('second factor of demo.orgadmin removed');
    expect((await run(['demo', 'code', 'demo.orgadmin'])).code).toBe(1);
    await withServer(async (_app, http) => {
      expect((await (await signIn(http, 'demo.orgadmin', DEMO_PASSWORD)).get('/api/v1/auth/session')).json().secondFactor).toBe('required_enrol');
    });
    expect((await run(['audit', 'verify'])).code).toBe(0);
  });

  it('refuses to serve in production with the second-factor requirement off', async () => {
    const res = await run(['serve'], { NODE_ENV: 'production', OPENNRM_SESSION_SECRET: 'z'.repeat(40), OPENNRM_TOTP_REQUIRED: 'off' });
    expect(res.code).toBe(1);
    expect(res.err).toContain('OPENNRM_TOTP_REQUIRED=off is refused in production');
  });
});
