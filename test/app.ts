import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createHttpServer, openApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import type { SystemActor, UserActor } from '../src/domain/actor.js';
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

/** A whole OpenNRM (real database, real server object, no network) on a fresh database of `dialect`. */
export async function startTestApp(dialect: DialectName, env: Record<string, string> = {}, options: { clock?: Clock; logs?: string[] } = {}): Promise<TestApp> {
  const { target, cleanup } = await freshTarget(dialect);
  // A fresh data key per app, so no test writes a generated key ring into ./data.
  const config = loadConfig({ NODE_ENV: 'test', OPENNRM_SESSION_SECRET: 'x'.repeat(40), OPENNRM_DATA_KEY: randomDataKey(), LOG_LEVEL: 'silent', ...env });
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
  const setCookie = res.headers['set-cookie'];
  const cookie = String(Array.isArray(setCookie) ? setCookie[0] : setCookie).split(';')[0] ?? '';
  const csrfToken = (res.json() as { csrfToken: string }).csrfToken;
  return {
    cookie,
    csrfToken,
    get: (url, headers = {}) => http.inject({ method: 'GET', url, headers: { cookie, ...headers } }),
    send: (method, url, body, headers = {}) =>
      http.inject({ method, url, headers: { cookie, 'x-csrf-token': csrfToken, ...headers }, ...(body === undefined ? {} : { payload: body as object }) }),
  };
}
