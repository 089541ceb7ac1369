/**
 * Crash durability on SQLite: every write the server acknowledged with 2xx must still be there after the server
 * process is killed with SIGKILL mid-stream and started again. Runs the real CLI and server as child processes and
 * talks to them over real HTTP, because an in-process server cannot be killed without killing the test.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const SESSION_SECRET = 'durability-test-session-secret-0123456789abcdef';
const DATA_KEY = randomBytes(32).toString('base64');
const USERNAME = 'demo.caseworker';
const PASSWORD = 'opennrm-demo-2026';
const WRITERS = 8;
const MIN_ACKNOWLEDGED = 20;
const STDERR_TAIL_CHARS = 4_000;

interface Child {
  readonly name: string;
  readonly process: ChildProcessWithoutNullStreams;
  readonly exited: Promise<number | null>;
  output(): string;
}

interface Server extends Child {
  readonly baseUrl: string;
}

interface Session {
  readonly cookie: string;
  readonly csrfToken: string;
}

const children = new Set<Child>();
let dataDir: string | undefined;

/**
 * The child must use SQLite in our directory whatever the caller's environment says: CI exports DATABASE_URL for
 * the PostgreSQL tests, and inheriting it would silently point the server at PostgreSQL.
 */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key === 'DATABASE_URL' || key.startsWith('OPENNRM_') || key === 'NODE_ENV' || key.startsWith('VITEST')) continue;
    env[key] = value;
  }
  if (!dataDir) throw new Error('data directory not prepared');
  return { ...env, OPENNRM_DATA_DIR: dataDir, OPENNRM_SESSION_SECRET: SESSION_SECRET, OPENNRM_DATA_KEY: DATA_KEY, LOG_LEVEL: 'warn', ...extra };
}

function startChild(name: string, args: readonly string[], env: NodeJS.ProcessEnv): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], { cwd: REPO_ROOT, env, stdio: 'pipe' });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
  };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const child: Child = { name, process: proc, exited, output: () => output };
  children.add(child);
  void exited.then(() => children.delete(child));
  return child;
}

function describeChild(child: Child): string {
  return `${child.name} (pid ${child.process.pid}) output tail:\n${child.output()}`;
}

/** Runs a one-shot CLI command to completion, bounded in time. */
async function runCli(name: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<{ code: number | null; child: Child }> {
  const child = startChild(name, args, env);
  const timer = setTimeout(() => child.process.kill('SIGKILL'), timeoutMs);
  try {
    return { code: await child.exited, child };
  } finally {
    clearTimeout(timer);
  }
}

/** Asks the kernel for a port nobody is using; a fresh one per start so pooled keep-alive sockets never carry over. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      if (address === null || typeof address === 'string') return reject(new Error('no port'));
      probe.close(() => resolve(address.port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function hasExited(child: Child): boolean {
  return child.process.exitCode !== null || child.process.signalCode !== null;
}

async function startServer(name: string): Promise<Server> {
  const port = await freePort();
  const child = startChild(
    name,
    ['serve'],
    childEnv({ NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', OPENNRM_COOKIE_SECURE: 'false' }),
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (hasExited(child)) throw new Error(`${name} exited (${child.process.exitCode ?? child.process.signalCode}) before it was healthy\n${describeChild(child)}`);
    try {
      const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(1_000) });
      if (res.status === 200) return { ...child, baseUrl };
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  throw new Error(`${name} not healthy within 30 s\n${describeChild(child)}`);
}

async function killHard(child: Child): Promise<void> {
  if (hasExited(child)) return;
  const pid = child.process.pid;
  if (pid !== undefined) process.kill(pid, 'SIGKILL');
  await child.exited;
}

async function signIn(server: Server): Promise<Session> {
  const res = await fetch(`${server.baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: USERNAME, password: PASSWORD }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${text}\n${describeChild(server)}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0] ?? '')
    .find((c) => c.startsWith('opennrm_session='));
  if (!cookie) throw new Error(`no opennrm_session cookie in ${JSON.stringify(res.headers.getSetCookie())}`);
  const { csrfToken } = JSON.parse(text) as { csrfToken: string };
  return { cookie, csrfToken };
}

interface StreamResult {
  readonly acknowledged: string[];
  /** HTTP answers other than 201 before the kill: none are expected from a healthy server. */
  readonly unexpected: string[];
  readonly killedAfterMs: number;
  /** Requests the kill cut off: evidence that the kill really landed mid-stream. */
  readonly cutOff: number;
}

/**
 * Writes from several loops at once and SIGKILLs the server at a random moment while writes are in flight. Only
 * 201 answers count as acknowledged; a request cut off by the kill was never acknowledged, so its fate is free.
 */
async function streamWritesThenKill(server: Server, session: Session, round: number): Promise<StreamResult> {
  const acknowledged: string[] = [];
  const unexpected: string[] = [];
  let isKilled = false;
  let counter = 0;
  let cutOff = 0;
  const started = Date.now();
  const hardStop = started + 15_000;

  const writer = async (loop: number) => {
    while (!isKilled && Date.now() < hardStop) {
      const n = counter++;
      try {
        const res = await fetch(`${server.baseUrl}/api/v1/cases`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie: session.cookie, 'x-csrf-token': session.csrfToken },
          body: JSON.stringify({ person: { givenName: 'Durable', familyName: `r${round}-w${loop}-${n}` } }),
          signal: AbortSignal.timeout(10_000),
        });
        const text = await res.text();
        if (res.status === 201) acknowledged.push((JSON.parse(text) as { id: string }).id);
        else if (!isKilled) unexpected.push(`${res.status} ${text.slice(0, 200)}`);
      } catch (error) {
        // Failing before the kill means the server broke on its own, which the test must not hide.
        if (isKilled) cutOff++;
        else unexpected.push(`request error before kill: ${String(error)}`);
      }
    }
  };

  const killer = async () => {
    const delay = 300 + Math.floor(Math.random() * 1_200);
    await sleep(delay);
    // A slow machine may not have acknowledged enough yet; keep streaming (bounded) so the check is never vacuous.
    while (acknowledged.length <= MIN_ACKNOWLEDGED && Date.now() < hardStop && unexpected.length === 0) await sleep(20);
    const killedAfterMs = Date.now() - started;
    isKilled = true;
    const pid = server.process.pid;
    if (pid !== undefined) process.kill(pid, 'SIGKILL');
    await server.exited;
    return killedAfterMs;
  };

  const [killedAfterMs] = await Promise.all([killer(), ...Array.from({ length: WRITERS }, (_, i) => writer(i))]);
  return { acknowledged, unexpected, killedAfterMs, cutOff };
}

/** Every case id visible to the session, by paging the list (one audited read per page, not one per case). */
async function listAllCaseIds(server: Server, session: Session): Promise<Set<string>> {
  const ids = new Set<string>();
  let cursor: string | null = null;
  for (let page = 0; page < 1_000; page++) {
    const url = `${server.baseUrl}/api/v1/cases?limit=100${cursor ? `&cursor=${cursor}` : ''}`;
    const res = await fetch(url, { headers: { cookie: session.cookie }, signal: AbortSignal.timeout(10_000) });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`listing cases failed: ${res.status} ${text}\n${describeChild(server)}`);
    const body = JSON.parse(text) as { items: Array<{ id: string }>; nextCursor: string | null };
    for (const item of body.items) ids.add(item.id);
    if (!body.nextCursor) return ids;
    cursor = body.nextCursor;
  }
  throw new Error('case list did not end within 1000 pages');
}

/** GET each id, a few at a time: the record route is what a user would actually call. */
async function unreadableCases(server: Server, session: Session, ids: readonly string[]): Promise<string[]> {
  const failures: string[] = [];
  let next = 0;
  const reader = async () => {
    while (next < ids.length) {
      const id = ids[next++] as string;
      const res = await fetch(`${server.baseUrl}/api/v1/cases/${id}`, { headers: { cookie: session.cookie }, signal: AbortSignal.timeout(10_000) });
      const text = await res.text();
      if (res.status !== 200 || (JSON.parse(text) as { id?: string }).id !== id) failures.push(`${id}: ${res.status} ${text.slice(0, 200)}`);
    }
  };
  await Promise.all(Array.from({ length: 4 }, reader));
  return failures;
}

async function verifyAuditChain(): Promise<void> {
  const { code, child } = await runCli('audit verify', ['audit', 'verify'], childEnv({ NODE_ENV: 'development' }));
  expect(code, `audit verify failed\n${describeChild(child)}`).toBe(0);
  expect(child.output()).toContain('audit chain OK');
}

afterAll(async () => {
  await Promise.all([...children].map(killHard));
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('durability on SQLite', () => {
  it('keeps every acknowledged write across kill -9 of the server (two rounds)', { timeout: 120_000 }, async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'opennrm-durability-'));
    const demo = await runCli('demo', ['demo'], childEnv({ NODE_ENV: 'development' }));
    expect(demo.code, `demo deployment failed\n${describeChild(demo.child)}`).toBe(0);

    const allAcknowledged: string[] = [];
    for (const round of [1, 2]) {
      const server = await startServer(`server round ${round}`);
      const session = await signIn(server);
      if (round > 1) {
        // Round 1's writes must also have survived the restart that round 2 began with.
        const visible = await listAllCaseIds(server, session);
        expect(allAcknowledged.filter((id) => !visible.has(id)), `lost after round ${round - 1}\n${describeChild(server)}`).toEqual([]);
      }
      const result = await streamWritesThenKill(server, session, round);
      expect(result.unexpected, `unexpected answers before the kill\n${describeChild(server)}`).toEqual([]);
      expect(result.acknowledged.length, `too few writes acknowledged before the kill\n${describeChild(server)}`).toBeGreaterThan(MIN_ACKNOWLEDGED);
      console.info(`durability round ${round}: ${result.acknowledged.length} writes acknowledged, killed after ${result.killedAfterMs} ms, ${result.cutOff} requests cut off`);
      allAcknowledged.push(...result.acknowledged);
      // With the server dead nothing else holds the database, so this checks exactly what the crash left behind.
      await verifyAuditChain();
    }

    const server = await startServer('server after the last kill');
    const session = await signIn(server);
    const visible = await listAllCaseIds(server, session);
    const lost = allAcknowledged.filter((id) => !visible.has(id));
    expect(lost, `acknowledged but missing from the list after restart\n${describeChild(server)}`).toEqual([]);
    expect(await unreadableCases(server, session, allAcknowledged), `acknowledged but not readable\n${describeChild(server)}`).toEqual([]);
    expect(new Set(allAcknowledged).size).toBe(allAcknowledged.length);
    await killHard(server);
    await verifyAuditChain();
  });
});
