import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { StoreTarget } from '../src/store/connect.js';

/**
 * The engines store and HTTP tests run on: SQLite always, PostgreSQL when OPENNRM_TEST_DATABASE_URL is set
 * (.ci/run starts a throwaway cluster and sets it). A separate variable from DATABASE_URL so that running the
 * tests can never touch a deployment's database.
 */
export const TEST_PG_URL = process.env.OPENNRM_TEST_DATABASE_URL || undefined;

export type DialectName = 'sqlite' | 'postgres';
export const DIALECTS: readonly DialectName[] = TEST_PG_URL ? ['sqlite', 'postgres'] : ['sqlite'];

export interface TestTarget {
  readonly target: StoreTarget;
  /** Removes the file or drops the schema. */
  cleanup(): Promise<void>;
}

/** A fresh, empty database: a SQLite file in a temp directory, or a new PostgreSQL schema. */
export async function freshTarget(dialect: DialectName): Promise<TestTarget> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'opennrm-test-'));
    return { target: { kind: 'sqlite', file: join(dir, 'test.db') }, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  if (!TEST_PG_URL) throw new Error('OPENNRM_TEST_DATABASE_URL is not set');
  const schema = `t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  return {
    target: { kind: 'postgres', url: TEST_PG_URL, schema, poolSize: 4 },
    cleanup: async () => {
      const c = new pg.Client({ connectionString: TEST_PG_URL });
      await c.connect();
      await c.query(`drop schema ${schema} cascade`);
      await c.end();
    },
  };
}
