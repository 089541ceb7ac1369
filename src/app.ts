import type { FastifyInstance } from 'fastify';
import type { Config } from './config/config.js';
import type { Clock, Deps, FieldCipher } from './domain/ports.js';
import { buildServer } from './http/server.js';
import { LoginRateLimiter } from './http/login-rate-limit.js';
import type { Logger } from './log/logger.js';
import { createCedarPolicyEngine, loadPolicySource } from './platform/cedar-policy.js';
import { createCommonPasswordList } from './platform/common-passwords.js';
import { createFieldCipher } from './platform/field-cipher.js';
import { isReadableByOthers, keyRingSource, watchKeyRingFile, type KeyRingSource } from './platform/key-ring.js';
import { createPasswordHasher } from './platform/passwords.js';
import { developmentSessionSecret } from './platform/session-secret.js';
import { createIdGenerator, systemClock } from './platform/system.js';
import { createTokenService } from './platform/tokens.js';
import { openStore, ping, storeTargetFor, type Store, type StoreTarget } from './store/connect.js';
import { prepareFieldEncryption, type RewriteReport } from './store/field-encryption.store.js';
import { migrateToLatest, pendingMigrations, type MigrationReport } from './store/migrate.js';
import { createUnitOfWork } from './store/unit-of-work.js';
import { ok } from './shared/result.js';

export const VERSION = '0.1.0';

/** The composition root: config -> logger -> database -> domain dependencies -> (optionally) HTTP. */
export interface App {
  readonly config: Config;
  readonly logger: Logger;
  readonly store: Store;
  readonly deps: Deps;
  /** Encrypts identity fields at rest (ADR 0005); the repositories use it, and so do the `keys` commands. */
  readonly cipher: FieldCipher;
  readonly keyRing: KeyRingSource;
  /** What opening did: migrations applied, and plaintext identity values encrypted (the first start after the upgrade). */
  readonly startup: { readonly migrations: MigrationReport; readonly sealed: RewriteReport | undefined };
  close(): Promise<void>;
}

export interface AppOptions {
  readonly logger: Logger;
  /** Overrides the database chosen from the config (tests use their own file or schema). */
  readonly storeTarget?: StoreTarget;
  readonly clock?: Clock;
}

/**
 * Opens the database, applies pending migrations, checks that the data key ring reads it (encrypting the
 * identity fields of a database created before field encryption, once) and wires the domain's dependencies.
 */
export async function openApp(config: Config, options: AppOptions): Promise<App> {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  const ids = createIdGenerator(clock);
  const keyRing = keyRingSource(config);
  const cipher = createFieldCipher(keyRing.load);
  if (keyRing.file && isReadableByOthers(keyRing.file)) {
    logger.warn({ category: 'keys', file: keyRing.file }, 'the data key ring file is readable by other users: chmod 600 it');
  }
  const store = openStore(options.storeTarget ?? storeTargetFor(config));
  const uow = createUnitOfWork(store, clock, ids, cipher);
  let migrations: MigrationReport;
  let sealed: RewriteReport | undefined;
  try {
    migrations = await migrateToLatest(store.db);
    if (migrations.applied.length > 0) logger.info({ category: 'store', applied: migrations.applied }, 'migrations applied');
    sealed = await prepareFieldEncryption(store.db, cipher, clock.now().toISOString(), {
      onProgress: logEveryTenth(logger, 'encrypting the identity fields of existing records'),
    });
    if (sealed && sealed.values > 0) {
      const counts = { persons: sealed.persons, notes: sealed.notes, values: sealed.values, nameTokens: sealed.nameTokens };
      logger.info({ category: 'keys', ...counts, keyId: cipher.currentKeyId }, 'identity fields of existing records encrypted');
      await uow.write(async (r) =>
        ok(await r.audit.append({ kind: 'system', name: 'opennrm:start-up', requestId: ids.next(), purpose: 'administration' }, {
          action: 'keys.seal_plaintext',
          recordType: 'key_ring',
          recordId: cipher.currentKeyId,
          details: counts,
        })),
      );
    }
  } catch (error) {
    await store.close();
    throw error;
  }
  // A rotation (opennrm keys rotate) adds a key to the ring file: pick it up without a restart.
  const stopWatching = keyRing.file
    ? watchKeyRingFile(keyRing.file, () => {
        try {
          cipher.reload();
          logger.info({ category: 'keys', currentKeyId: cipher.currentKeyId, keys: cipher.keyIds.length }, 'data key ring reloaded');
        } catch (error) {
          logger.warn({ category: 'keys', err: error }, 'the data key ring file changed but could not be used; keeping the keys in use');
        }
      })
    : () => undefined;
  const sessionSecret = config.sessionSecret ?? developmentSessionSecret(config.dataDir);
  let policy: Deps['policy'];
  try {
    policy = createCedarPolicyEngine(loadPolicySource(config.policyFile));
  } catch (error) {
    await store.close();
    throw error;
  }
  const deps: Deps = {
    uow,
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
  return {
    config,
    logger,
    store,
    deps,
    cipher,
    keyRing,
    startup: { migrations, sealed },
    close: async () => {
      stopWatching();
      await store.close();
    },
  };
}

/** A progress callback that logs at each tenth of the way: the first start after the upgrade can take a while. */
function logEveryTenth(logger: Logger, message: string): (done: number, total: number) => void {
  let last = -1;
  return (done, total) => {
    const tenth = total > 0 ? Math.floor((done / total) * 10) : -1;
    if (tenth <= last) return;
    last = tenth;
    logger.info({ category: 'keys', done, total }, message);
  };
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
