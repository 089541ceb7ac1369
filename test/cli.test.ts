import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../src/cli/program.js';
import type { CliIo } from '../src/cli/io.js';
import { runCapturedCli, type CliRun } from './cli.js';
import { GENESIS_HASH, hashAuditEvent } from '../src/domain/audit/audit.chain.js';


describe('opennrm CLI', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;

  const run = (...args: string[]): Promise<CliRun> => runCapturedCli(args, env);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'opennrm-cli-'));
    env = { OPENNRM_DATA_DIR: dir, NODE_ENV: 'development', LOG_LEVEL: 'silent' };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has --help on every command', async () => {
    const walk = (c: Command, path: string[]): string[][] => [path, ...c.commands.flatMap((s) => walk(s, [...path, s.name()]))];
    const io: CliIo = { out: () => undefined, err: () => undefined, isTty: false };
    const paths = walk(buildProgram({ io, env: {} }), []);
    expect(paths.length).toBeGreaterThan(10);
    for (const path of paths) {
      const res = await run(...path, '--help');
      expect(res.code, path.join(' ')).toBe(0);
      expect(res.out, path.join(' ')).toContain('Usage: opennrm');
    }
  });

  it('fails with exit code 2 and a message on usage errors', async () => {
    expect((await run('no-such-command')).code).toBe(2);
    const badType = await run('orgs', 'create', '--name', 'X', '--type', 'spaceship');
    expect(badType.code).toBe(2);
    expect(badType.err).toContain('one of:');
  });

  it('migrates, then creates and lists organisations and users', async () => {
    expect((await run('migrate')).out).toMatch(/applied: 2026_11_28_1700_foundation|up to date/);
    expect((await run('migrate')).out).toContain('up to date');
    const org = await run('orgs', 'create', '--name', 'Harbour Shelter', '--type', 'shelter', '--country', 'GR');
    expect(org.code).toBe(0);
    expect(org.out).toMatch(/^[0-9a-f-]{36}\tshelter\tHarbour Shelter$/);
    const dup = await run('orgs', 'create', '--name', 'Harbour Shelter', '--type', 'ngo');
    expect(dup.code).toBe(1);
    expect(dup.err).toContain('organisation.name_taken');
    expect((await run('orgs', 'create', '--name', 'Bad', '--type', 'ngo', '--country', 'greece')).code).toBe(1);
    expect((await run('orgs', 'list')).out).toContain('Harbour Shelter');

    const user = await run('users', 'create', '--org', 'Harbour Shelter', '--username', 'Nikos', '--name', 'Nikos P.', '--role', 'supervisor');
    expect(user.code).toBe(0);
    expect(user.out).toMatch(/\tnikos\tsupervisor$/);
    expect(user.err).toMatch(/password \(shown once.*\): [A-Za-z0-9_-]{24}/);
    expect((await run('users', 'create', '--org', 'Nowhere', '--username', 'x', '--name', 'x', '--role', 'caseworker')).code).toBe(1);
    expect((await run('users', 'list', '--org', 'Harbour Shelter')).out).toMatch(/nikos\tsupervisor\t.*\tactive/);
    expect((await run('users', 'disable', 'nikos')).out).toBe('disabled nikos');
    expect((await run('users', 'list')).out).toMatch(/nikos\tsupervisor\t.*\tdisabled/);
    expect((await run('users', 'disable', 'ghost')).code).toBe(1);
  });

  it('verifies the audit chain, and names the first broken link after a row is altered by hand', async () => {
    const good = await run('audit', 'verify');
    expect(good.code).toBe(0);
    expect(good.out).toMatch(/audit chain OK: \d+ events verified/);
    const db = new SQLite(join(dir, 'opennrm.db'));
    db.exec('DROP TRIGGER audit_events_no_update');
    db.prepare("UPDATE audit_events SET actor_name = 'someone else' WHERE seq = 2").run();
    db.close();
    const bad = await run('audit', 'verify');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('audit chain BROKEN at event seq 2: hash_mismatch');
  });

  it('catches a chain rewritten from the start, recomputed hashes and all, against an anchor kept outside', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'opennrm-anchor-'));
    const saved = env;
    env = { ...env, OPENNRM_DATA_DIR: fresh };
    try {
      for (const name of ['Anchor One', 'Anchor Two']) expect((await run('orgs', 'create', '--name', name, '--type', 'ngo')).code).toBe(0);
      const anchorFile = join(fresh, 'anchor.json');
      const anchored = await run('audit', 'anchor', '--out', anchorFile);
      expect(anchored.code).toBe(0);
      expect(JSON.parse(anchored.out)).toMatchObject({ format: 'opennrm-audit-anchor/1', seq: expect.any(Number), hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect((await run('audit', 'verify', '--anchor', anchorFile)).out).toMatch(/through 1 anchor/);

      // A forger with the database file: alter the first event, then recompute every hash after it.
      const db = new SQLite(join(fresh, 'opennrm.db'));
      db.exec('DROP TRIGGER audit_events_no_update');
      const rows = db.prepare('SELECT * FROM audit_events ORDER BY seq').all() as Array<Record<string, string | number | null>>;
      let prevHash = GENESIS_HASH;
      for (const row of rows) {
        const event = {
          seq: Number(row.seq), id: String(row.id), at: String(row.at), actorKind: row.actor_kind as 'system', actorUserId: row.actor_user_id as string | null,
          actorOrganisationId: row.actor_organisation_id as string | null, actorName: Number(row.seq) === 1 ? 'cli:someone-else' : (row.actor_name as string | null),
          action: String(row.action), recordType: row.record_type as string | null, recordId: row.record_id as string | null, purpose: row.purpose as 'administration',
          outcome: row.outcome as 'success', requestId: String(row.request_id), details: row.details as string | null, prevHash,
        };
        const hash = hashAuditEvent(event);
        db.prepare('UPDATE audit_events SET actor_name = ?, prev_hash = ?, hash = ? WHERE seq = ?').run(event.actorName, prevHash, hash, event.seq);
        prevHash = hash;
      }
      db.close();
      expect((await run('audit', 'verify')).code).toBe(0);
      const caught = await run('audit', 'verify', '--anchor', anchorFile);
      expect(caught.code).toBe(1);
      expect(caught.err).toMatch(/audit chain REWRITTEN: event seq \d+ no longer has the hash anchored/);
      expect((await run('audit', 'verify', '--anchor', join(fresh, 'nope.json'))).code).toBe(1);
    } finally {
      env = saved;
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it('writes an online backup that opens as a database with the same data', async () => {
    const file = join(dir, 'backup.db');
    const res = await run('backup', file);
    expect(res.code).toBe(0);
    expect(existsSync(file)).toBe(true);
    const copy = new SQLite(file, { readonly: true });
    expect((copy.prepare('select count(*) as n from organisations').get() as { n: number }).n).toBe(1);
    copy.close();
    expect((await run('backup', file)).code).toBe(1);
  });

  it('checks a policy file against the schema and the built-in suite', async () => {
    const good = await run('policy', 'check');
    expect(good.code).toBe(0);
    expect(good.out).toMatch(/policy OK: .*national\.cedar .* all \d+ built-in scenarios/);
    const { readFileSync, writeFileSync } = await import('node:fs');
    const national = readFileSync(join(import.meta.dirname, '..', 'policy', 'national.cedar'), 'utf8');
    const leaky = join(dir, 'leaky.cedar');
    writeFileSync(leaky, national.replace(/@id\("firewall-immigration"\)\nforbid/, '@id("firewall-immigration")\npermit'));
    const bad = await run('policy', 'check', '--file', leaky);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('FAIL [firewall]');
    expect(bad.err).toMatch(/break the firewall/);
    const broken = join(dir, 'broken.cedar');
    writeFileSync(broken, 'permit (principal, action, resource) when { resource.nope == 1 };');
    const invalid = await run('policy', 'check', '--file', broken);
    expect(invalid.code).toBe(1);
    expect(invalid.err).toContain('validation error');
    expect((await run('policy', 'check', '--file', join(dir, 'missing.cedar'))).code).toBe(1);
  });

  it('runs the retention job, also as a dry run', async () => {
    const dry = await run('retention', 'run', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/^\d+ people with cases examined, 0 past retention, none changed \(dry run\)$/);
    expect((await run('retention', 'run')).out).toMatch(/0 anonymised$/);
  });

  it('points PostgreSQL deployments to pg_dump for backups', async () => {
    const saved = env;
    env = { ...env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' };
    try {
      const res = await run('backup', join(dir, 'x.db'));
      expect(res.code).toBe(1);
      expect(res.err).toContain('pg_dump');
    } finally {
      env = saved;
    }
  });

  it('never creates demo accounts in production and refuses to serve without a session secret or a data key', async () => {
    const saved = env;
    try {
      // The key ring that development generated in the data directory.
      env = { ...env, NODE_ENV: 'production', OPENNRM_SESSION_SECRET: 'y'.repeat(40), OPENNRM_DATA_KEY_FILE: join(dir, 'data-key') };
      const demo = await run('demo');
      expect(demo.code).toBe(1);
      expect(demo.err).toContain('never created in production');
      env = { OPENNRM_DATA_DIR: dir, LOG_LEVEL: 'silent' };
      const serve = await run('serve');
      expect(serve.code).toBe(1);
      expect(serve.err).toContain('OPENNRM_SESSION_SECRET is required');
      env = { OPENNRM_DATA_DIR: dir, LOG_LEVEL: 'silent', OPENNRM_SESSION_SECRET: 'y'.repeat(40) };
      const keyless = await run('serve');
      expect(keyless.code).toBe(1);
      expect(keyless.err).toContain('OPENNRM_DATA_KEY_FILE');
      expect(keyless.err).toContain('is required in production');
    } finally {
      env = saved;
    }
  });

  it('creates the demo deployment only in an empty database', async () => {
    expect((await run('demo')).code).toBe(1);
    const fresh = mkdtempSync(join(tmpdir(), 'opennrm-demo-'));
    const saved = env;
    env = { ...env, OPENNRM_DATA_DIR: fresh };
    try {
      const res = await run('demo');
      expect(res.code).toBe(0);
      expect(res.out).toContain('demo.caseworker');
      expect((await run('audit', 'verify')).code).toBe(0);
    } finally {
      env = saved;
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});
