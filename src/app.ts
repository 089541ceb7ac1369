import type { FastifyInstance } from 'fastify';
import type { Config } from './config/config.js';
import type { Clock, Deps } from './domain/ports.js';
import { buildServer } from './http/server.js';
import { LoginRateLimiter } from './http/login-rate-limit.js';
import type { Logger } from './log/logger.js';
import { createCedarPolicyEngine, loadPolicySource } from './platform/cedar-policy.js';
import { createCommonPasswordList } from './platform/common-passwords.js';
import { createPasswordHasher } from './platform/passwords.js';
import { developmentSessionSecret } from './platform/session-secret.js';
import { createIdGenerator, systemClock } from './platform/system.js';
import { createTokenService } from './platform/tokens.js';
import { openStore, ping, storeTargetFor, type Store, type StoreTarget } from './store/connect.js';
import { migrateToLatest, pendingMigrations } from './store/migrate.js';
import { createUnitOfWork } from './store/unit-of-work.js';

export const VERSION = '0.1.0';

/** The composition root: config -> logger -> database -> domain dependencies -> (optionally) HTTP. */
export interface App {
  readonly config: Config;
  readonly logger: Logger;
  readonly store: Store;
  readonly deps: Deps;
  close(): Promise<void>;
}

export interface AppOptions {
  readonly logger: Logger;
  /** Overrides the database chosen from the config (tests use their own file or schema). */
  readonly storeTarget?: StoreTarget;
  readonly clock?: Clock;
}

/** Opens the database, applies pending migrations and wires the domain's dependencies. */
export async function openApp(config: Config, options: AppOptions): Promise<App> {
  const clock = options.clock ?? systemClock;
  const ids = createIdGenerator(clock);
  const store = openStore(options.storeTarget ?? storeTargetFor(config));
  try {
    const report = await migrateToLatest(store.db);
    if (report.applied.length > 0) options.logger.info({ category: 'store', applied: report.applied }, 'migrations applied');
  } catch (error) {
    await store.close();
    throw error;
  }
  const sessionSecret = config.sessionSecret ?? developmentSessionSecret(config.dataDir);
  let policy: Deps['policy'];
  try {
    policy = createCedarPolicyEngine(loadPolicySource(config.policyFile));
  } catch (error) {
    await store.close();
    throw error;
  }
  const deps: Deps = {
    uow: createUnitOfWork(store, clock, ids),
    clock,
    ids,
    passwords: createPasswordHasher(),
    tokens: createTokenService(sessionSecret),
    auth: {
      sessionTtlMinutes: config.sessionTtlMinutes,
      sessionIdleMinutes: config.sessionIdleMinutes,
      maxFailures: config.login.maxFailures,
      lockoutMinutes: config.login.lockoutMinutes,
      totpRequirement: config.totpRequired,
    },
    policy,
    commonPasswords: createCommonPasswordList(),
  };
  return { config, logger: options.logger, store, deps, close: () => store.close() };
}

/** Builds the HTTP server of an opened app (not yet listening). */
export function createHttpServer(app: App): Promise<FastifyInstance> {
  const { config } = app;
  return buildServer(
    {
      deps: app.deps,
      checkReadiness: async () => {
        const database = await ping(app.store.db);
        const migrations = database && (await pendingMigrations(app.store.db).then((p) => p.length === 0, () => false));
        return { database, migrations };
      },
      logger: app.logger,
      loginLimiter: new LoginRateLimiter(config.login.ratePerMinute),
      cookie: { secure: config.cookieSecure, maxAgeSeconds: config.sessionTtlMinutes * 60 },
    },
    { bodyLimitBytes: config.bodyLimitBytes, trustProxy: config.trustProxy, hsts: config.cookieSecure, version: VERSION },
  );
}
