import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createHttpServer, openApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import type { SystemActor, UserActor } from '../src/domain/actor.js';
import { decodeBase32, totpCode } from '../src/domain/auth/totp.js';
import type { Clock } from '../src/domain/ports.js';
import { createOrganisation } from '../src/domain/orgs/org.commands.js';
import type { Organisation, OrganisationType } from '../src/domain/orgs/org.schema.js';
import { createUser } from '../src/domain/users/user.commands.js';
import type { Role, User } from '../src/domain/users/user.schema.js';
import { createLogger } from '../src/log/logger.js';
import { randomDataKey } from './cipher.js';
import { freshTarget, type DialectName } from './dialects.js';

export const TEST_PASSWORD = 'correct horse battery staple';

export const systemActor = (): SystemActor => ({ kind: 'system', name: 'test', requestId: 'test-request', purpose: 'administration' });

export interface TestApp {
  readonly app: App;
  readonly http: FastifyInstance;
  close(): Promise<void>;
}

/**
 * A whole OpenNRM (real database, real server object, no network) on a fresh database of `dialect`. The second
 * factor is off unless `env` sets OPENNRM_TOTP_REQUIRED, so tests can sign supervisors and admins in with a
 * password; test/http/second-factor.test.ts and friends turn it on.
 */
export async function startTestApp(dialect: DialectName, env: Record<string, string> = {}, options: { clock?: Clock; logs?: string[] } = {}): Promise<TestApp> {
  const { target, cleanup } = await freshTarget(dialect);
  // A fresh data key per app, so no test writes a generated key ring into ./data.
  const config = loadConfig({ NODE_ENV: 'test', OPENNRM_SESSION_SECRET: 'x'.repeat(40), OPENNRM_DATA_KEY: randomDataKey(), LOG_LEVEL: 'silent', OPENNRM_TOTP_REQUIRED: 'off', ...env });
  const logger = options.logs
    ? createLogger({ level: 'trace', destination: { write: (line: string) => void options.logs?.push(line) } })
    : createLogger({ level: 'silent' });
  const app = await openApp(config, { logger, storeTarget: target, ...(options.clock ? { clock: options.clock } : {}) });
  const http = await createHttpServer(app);
  return {
    app,
    http,
    close: async () => {
      await http.close();
      await app.close();
      await cleanup();
    },
  };
}

export async function makeOrganisation(app: App, name: string, type: OrganisationType = 'ngo'): Promise<Organisation> {
  const result = await createOrganisation(app.deps, systemActor(), { name, type });
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

export async function makeUser(app: App, org: Organisation, username: string, role: Role): Promise<User> {
  const result = await createUser(app.deps, systemActor(), { organisationId: org.id, username, displayName: username, role, password: TEST_PASSWORD });
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

/** The domain actor for a user, without going through HTTP. */
export function actorFor(user: User, org: Organisation): UserActor {
  return { kind: 'user', userId: user.id, organisationId: org.id, organisationType: org.type, role: user.role, sessionId: 'test', requestId: 'test', purpose: 'case_management' };
}

/** A signed-in HTTP client: sends the session cookie, and the CSRF token on writes. */
export interface Client {
  get(url: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  send(method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  readonly cookie: string;
  readonly csrfToken: string;
}

export async function signIn(http: FastifyInstance, username: string, password = TEST_PASSWORD): Promise<Client> {
  const res = await http.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
  return clientFrom(http, cookieOf(res), (res.json() as { csrfToken: string }).csrfToken);
}

/** The `name=value` of the session cookie a response sets. */
export function cookieOf(res: LightMyRequestResponse): string {
  const setCookie = res.headers['set-cookie'];
  return String(Array.isArray(setCookie) ? setCookie[0] : setCookie).split(';')[0] ?? '';
}

/** A client for a session cookie and its CSRF token. */
export function clientFrom(http: FastifyInstance, cookie: string, csrfToken: string): Client {
  return {
    cookie,
    csrfToken,
    get: (url, headers = {}) => http.inject({ method: 'GET', url, headers: { cookie, ...headers } }),
    send: (method, url, body, headers = {}) =>
      http.inject({ method, url, headers: { cookie, 'x-csrf-token': csrfToken, ...headers }, ...(body === undefined ? {} : { payload: body as object }) }),
  };
}

/** A clock that tests move forward: TOTP codes depend on the time step, and each step's code is accepted once. */
export interface SteppingClock extends Clock {
  advance(ms: number): void;
}

export function steppingClock(start = Date.now()): SteppingClock {
  let offsetMs = 0;
  return { now: () => new Date(start + offsetMs), advance: (ms) => void (offsetMs += ms) };
}

/** The code an authenticator app holding `secret` shows at `at`. */
export function codeFor(secret: string, at: Date): string {
  const key = decodeBase32(secret);
  if (!key) throw new Error('not a base32 secret');
  return totpCode(key, at);
}

/**
 * Signs in with password and TOTP code, as a person with an authenticator app would. Moves the clock to the next
 * time step first, so that the code was not used by an earlier sign-in of the same user (replays are refused).
 */
export async function signInWithCode(http: FastifyInstance, clock: SteppingClock, username: string, secret: string, password = TEST_PASSWORD): Promise<Client> {
  const pending = await signIn(http, username, password);
  clock.advance(30_000);
  const res = await pending.send('POST', '/api/v1/auth/totp/verify', { code: codeFor(secret, clock.now()) });
  if (res.statusCode !== 200) throw new Error(`second factor refused: ${res.statusCode} ${res.body}`);
  return clientFrom(http, cookieOf(res), (res.json() as { csrfToken: string }).csrfToken);
}

/** Enrols the signed-in client's user in TOTP; returns the secret and a client for the upgraded session. */
export async function enrolTotp(http: FastifyInstance, clock: SteppingClock, client: Client): Promise<{ secret: string; client: Client }> {
  const started = await client.send('POST', '/api/v1/auth/totp/enrol');
  if (started.statusCode !== 200) throw new Error(`enrolment refused: ${started.statusCode} ${started.body}`);
  const { secret } = started.json() as { secret: string };
  const confirmed = await client.send('POST', '/api/v1/auth/totp/enrol/confirm', { code: codeFor(secret, clock.now()) });
  if (confirmed.statusCode !== 200) throw new Error(`enrolment not confirmed: ${confirmed.statusCode} ${confirmed.body}`);
  return { secret, client: clientFrom(http, cookieOf(confirmed), (confirmed.json() as { csrfToken: string }).csrfToken) };
}
