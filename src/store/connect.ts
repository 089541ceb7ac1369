import { chmodSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type SqliteDatabase } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';
import type { DialectName } from './dialect/dialect.js';

export type StoreTarget =
  | { readonly kind: 'sqlite'; readonly file: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly schema?: string; readonly poolSize?: number };

export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  /** The SQLite handle, for online backups; undefined on PostgreSQL. */
  readonly sqlite: SQLite.Database | undefined;
  /** A description safe to log: no password. */
  readonly description: string;
  close(): Promise<void>;
}

/** SQLite file in the data directory unless DATABASE_URL is set. */
export function storeTargetFor(config: { dataDir: string; databaseUrl: string | undefined }): StoreTarget {
  if (config.databaseUrl) return { kind: 'postgres', url: config.databaseUrl };
  return { kind: 'sqlite', file: join(resolve(config.dataDir), 'opennrm.db') };
}

export function openStore(target: StoreTarget): Store {
  return target.kind === 'sqlite' ? openSqlite(target.file) : openPostgres(target);
}

function openSqlite(file: string): Store {
  if (file !== ':memory:') mkdirSync(resolve(file, '..'), { recursive: true, mode: 0o700 });
  const sqlite = new SQLite(file);
  // The file holds personal data: owner-only, whatever the umask of whoever started the process.
  if (file !== ':memory:') chmodSync(file, 0o600);
  // WAL lets readers run beside the writer; synchronous=FULL makes an acknowledged commit survive power loss.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  // Freed space is zeroed: a rewritten identity field (sealing, rotation, a correction) leaves no old bytes behind.
  sqlite.pragma('secure_delete = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return {
    db,
    dialect: 'sqlite',
    sqlite,
    description: `sqlite:${file}`,
    close: () => db.destroy(),
  };
}

/**
 * Kysely's SQLite driver prepares every statement anew; preparing was 18% of server CPU on reads (bench/). The
 * queries are a small fixed set, so prepared statements are kept by SQL text, the least recently used dropped
 * past `max`. Safe because nothing here streams rows: a statement is never in use by two queries at once.
 */
function withStatementCache(sqlite: SQLite.Database, max = 500): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sqlText: string) {
      let statement = cache.get(sqlText);
      if (statement) {
        cache.delete(sqlText);
      } else {
        statement = sqlite.prepare(sqlText);
        if (cache.size >= max) cache.delete(cache.keys().next().value as string);
      }
      cache.set(sqlText, statement);
      return statement as unknown as ReturnType<SqliteDatabase['prepare']>;
    },
  };
}

/** int8 (count(*), bigint columns) as numbers: audit sequence numbers stay far below 2^53. */
const pgTypes = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text'),
};

function openPostgres(target: Extract<StoreTarget, { kind: 'postgres' }>): Store {
  const pool = new pg.Pool({
    connectionString: target.url,
    max: target.poolSize ?? 10,
    types: pgTypes as pg.CustomTypesConfig,
    ...(target.schema ? { options: `-c search_path=${target.schema}` } : {}),
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const url = new URL(target.url);
  return {
    db,
    dialect: 'postgres',
    sqlite: undefined,
    description: `postgres://${url.hostname}:${url.port || 5432}${url.pathname}`,
    close: () => db.destroy(),
  };
}

/** True when the database answers. */
export async function ping(db: Kysely<Database>): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}
