import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer, openApp } from '../src/app.js';
import { DEMO_PASSWORD } from '../src/cli/demo-deployment.js';
import { loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/log/logger.js';
import { signIn } from './app.js';
import { randomDataKey } from './cipher.js';
import { containsText } from './files.js';
import { runCapturedCli, type CliRun } from './cli.js';


/** What the demo deployment holds in clear text, had it not been encrypted. */
const DEMO_CLEAR = ['Tesfaye', 'Kovalenko', 'Oleksandr', 'Al-Hassan', 'Ramírez', 'María José', 'Van An', '1988-11-02', '2001-07-15', 'Fictitious demo case', 'Tigrinya', 'female caseworker'];

/** The key material of a key ring file, as base64 and as raw bytes. */
function keyMaterial(file: string): string[] {
  const ring = JSON.parse(readFileSync(file, 'utf8')) as { keys: Array<{ key: string }> };
  return ring.keys.flatMap((k) => [k.key, Buffer.from(k.key, 'base64').toString('latin1')]);
}

describe('opennrm keys, and backups of an encrypted database (SQLite)', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const run = (...args: string[]): Promise<CliRun> => runCapturedCli(args, env);
  const statusRows = async () => {
    const res = await run('keys', 'status');
    expect(res.code, res.err).toBe(0);
    return res.out.split('\n').slice(2).map((l) => l.split('\t'));
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'opennrm-keys-'));
    env = { OPENNRM_DATA_DIR: dir, NODE_ENV: 'development', LOG_LEVEL: 'silent' };
    expect((await run('demo')).code).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('generated the development key ring owner-only in the data directory', () => {
    expect(statSync(join(dir, 'data-key')).mode & 0o777).toBe(0o600);
  });

  it('writes backups that hold no demo name, birth date or note in clear, and no key', async () => {
    const file = join(dir, 'backup.db');
    expect((await run('backup', file)).code).toBe(0);
    const bytes = readFileSync(file).toString('latin1');
    const copy = new SQLite(file, { readonly: true });
    expect((copy.prepare('select count(*) as n from persons').get() as { n: number }).n).toBe(5);
    copy.close();
    for (const clear of DEMO_CLEAR) expect(containsText(bytes, clear), clear).toBe(false);
    for (const secret of keyMaterial(join(dir, 'data-key'))) expect(bytes.includes(secret)).toBe(false);
  });

  it('counts values and name tokens per key', async () => {
    const rows = await statusRows();
    const [current] = rows;
    // 5 people × (given name, family name, birth date) + 5 notes; 13 distinct name words.
    expect(current?.slice(1)).toEqual(['current', '20', '13']);
    expect(rows.at(-1)).toEqual(['plaintext', '-', '0', '-']);
  });

  it('rotates to a new key while a server keeps answering, reading and searching', { timeout: 60_000 }, async () => {
    const server = await openApp(loadConfig(env), { logger: createLogger({ level: 'silent' }) });
    const http = await createHttpServer(server);
    try {
      const client = await signIn(http, 'demo.caseworker', DEMO_PASSWORD);
      const oldKey = server.cipher.currentKeyId;
      const caseId = (await client.get('/api/v1/cases?q=tesfaye')).json().items[0].id as string;
      let isDone = false;
      const rotation = run('keys', 'rotate', '--batch-size', '1').finally(() => {
        isDone = true;
      });
      const answers = new Set<string>();
      let requests = 0;
      while (!isDone) {
        const people = await client.get('/api/v1/persons?q=selam%20TESFAYE');
        const notes = await client.get(`/api/v1/cases/${caseId}/notes`);
        answers.add(`${people.statusCode} ${people.json().items.map((p: { familyName: string }) => p.familyName).join()} ${notes.statusCode} ${notes.json().items.length}`);
        requests++;
        await new Promise((done) => setTimeout(done, 10));
      }
      const result = await rotation;
      expect(result.code, result.err).toBe(0);
      // 20 identity and note values, and the 7 demo accounts' sealed TOTP secrets.
      expect(result.out).toMatch(/^rotated to key k\d{8}-[0-9a-f]{6}: 5 people, 5 notes, 27 values and 13 name tokens re-encrypted in \d+ batches$/);
      expect(requests).toBeGreaterThan(10);
      expect([...answers]).toEqual(['200 Tesfaye 200 1']);
      expect(server.cipher.currentKeyId).not.toBe(oldKey);
      expect((await client.get('/api/v1/persons?q=kovalenko')).json().items).toHaveLength(1);

      const rows = await statusRows();
      expect(rows.find((r) => r[1] === 'current')?.slice(2)).toEqual(['20', '13']);
      expect(rows.find((r) => r[0] === oldKey)).toEqual([oldKey, 'in ring', '0', '0']);
    } finally {
      await http.close();
      await server.close();
    }
    const db = new SQLite(join(dir, 'opennrm.db'), { readonly: true });
    const event = db.prepare("select details, outcome, record_id from audit_events where action = 'keys.rotate' order by seq desc limit 1").get() as { details: string; outcome: string; record_id: string };
    db.close();
    expect(event.outcome).toBe('success');
    expect(JSON.parse(event.details)).toMatchObject({ persons: 5, notes: 5, values: 27, nameTokens: 13, left: 0 });
    expect((await run('audit', 'verify')).code).toBe(0);
    // Nothing left to do: finishing a rotation again is harmless.
    expect((await run('keys', 'rotate', '--no-new-key')).out).toContain(': 0 people, 0 notes');
  });

  it('refuses a key ring that cannot read the database, with a clear reason', async () => {
    const other = join(dir, 'other-ring');
    const generated = await run('keys', 'generate', other);
    expect(generated.code).toBe(0);
    expect(generated.out).toMatch(/^k\d{8}-[0-9a-f]{6}\t/);
    expect(statSync(other).mode & 0o777).toBe(0o600);
    expect((await run('keys', 'generate', other)).code).toBe(1);
    const saved = env;
    env = { ...env, OPENNRM_DATA_KEY_FILE: other };
    try {
      const res = await run('keys', 'status');
      expect(res.code).toBe(1);
      expect(res.err).toContain('cannot decrypt this database');
    } finally {
      env = saved;
    }
  });

  it('explains that a single OPENNRM_DATA_KEY cannot be rotated in place, and rejects bad options', async () => {
    const saved = env;
    env = { ...env, OPENNRM_DATA_KEY: randomDataKey() };
    try {
      const res = await run('keys', 'rotate');
      expect(res.code).toBe(1);
      expect(res.err).toContain('OPENNRM_DATA_KEY alone');
    } finally {
      env = saved;
    }
    expect((await run('keys', 'rotate', '--batch-size', '0')).code).toBe(2);
  });
});
