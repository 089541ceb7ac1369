/**
 * `npm run bench`: case create and case read over HTTP (a separate server process on SQLite) against the same
 * operations straight on better-sqlite3, in the same run. Prints figures, targets and whether they are met; never
 * fails on timing (DESIGN.md §7). Exit code 1 only when the bench itself could not run.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import { CREATE_BODY, runLoad, seedCases, signIn, writeHeaders, type LoadResult, type LoadSpec, type Session } from './http-load.js';
import { measureCommands } from './in-process.js';
import { measureFsync, measureRawSqlite, type OpStats, type RawResults } from './raw-sqlite.js';
import { cpuFigures, int, ms, problemsOf, table, us } from './report.js';
import { freePort, prepareRuntime, runChild, startServer, type ServerHandle } from './server-process.js';

const TARGETS = { readReqPerSec: 3000, readP99Ms: 20, createReqPerSec: 500 } as const;
const DEMO_USER = { username: 'demo.caseworker', password: 'opennrm-demo-2026' };

function numberFromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const params = {
  durationSeconds: numberFromEnv('BENCH_DURATION', 10),
  warmupSeconds: numberFromEnv('BENCH_WARMUP', 2),
  floorSeconds: numberFromEnv('BENCH_FLOOR_DURATION', 4),
  connections: (process.env.BENCH_CONNECTIONS ?? '16,64')
    .split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0),
  seedCases: numberFromEnv('BENCH_SEED_CASES', 1000),
  rawIterations: numberFromEnv('BENCH_RAW_ITERATIONS', 3000),
  /** Operations per COMMIT in the batched raw baseline, and operations in flight in the in-process command loop. */
  batch: numberFromEnv('BENCH_BATCH', 16),
  /** A folder for a V8 CPU profile of the server (open the .cpuprofile in Chrome DevTools). */
  cpuProfileDir: process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined,
};

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const say = (line = '') => process.stdout.write(`${line}\n`);
const progress = (line: string) => process.stderr.write(`  … ${line}\n`);

function pickSummary(runs: readonly LoadResult[], meetsTargets: (r: LoadResult) => boolean): LoadResult | undefined {
  const clean = runs.filter((r) => problemsOf(r) === undefined);
  const pool = clean.length > 0 ? clean : runs;
  const passing = pool.filter(meetsTargets);
  return [...(passing.length > 0 ? passing : pool)].sort((a, b) => b.reqPerSec - a.reqPerSec)[0];
}

const meetsRead = (r: LoadResult) => r.reqPerSec >= TARGETS.readReqPerSec && r.p99 <= TARGETS.readP99Ms;
const meetsCreate = (r: LoadResult) => r.reqPerSec >= TARGETS.createReqPerSec;

function runsTable(runs: readonly LoadResult[]): string {
  return table(
    ['run', 'conns', 'req/s', 'p50', 'p97.5', 'p99', 'max', '2xx', 'secs', 'server CPU/req', 'server core', 'bench core', 'other procs', 'problems'],
    runs.map((r) => {
      const cpu = cpuFigures(r);
      return [r.spec.label, String(r.spec.connections), int(r.reqPerSec), ms(r.p50), ms(r.p97_5), ms(r.p99), ms(r.max), int(r.ok2xx),
        `${r.measuredSeconds.toFixed(1)} s`, cpu.perRequest, cpu.serverCore, cpu.clientCore, cpu.otherCore, problemsOf(r) ?? 'none'];
    }),
  );
}

function rawRow(name: string, o: OpStats): string[] {
  return [name, int(o.opsPerSec), ms(o.p50Ms), ms(o.p99Ms), ms(o.meanMs), int(o.count)];
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'opennrm-bench-'));
  const removeWork = () => rmSync(work, { recursive: true, force: true });
  process.on('exit', removeWork);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  let server: ServerHandle | undefined;
  const started = performance.now();
  try {
    const cpu = cpus();
    say('OpenNRM benchmark: case create and case read, HTTP stack vs raw better-sqlite3 (same run, same machine)');
    say(`machine: ${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown CPU'}), ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}, ${process.platform}/${process.arch}`);
    say(`load average before the run: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (1, 5, 15 min)`);
    say(`params: duration ${params.durationSeconds} s per run, warm-up ${params.warmupSeconds} s, connections tried ${params.connections.join(', ')}, ` +
      `${params.seedCases} cases seeded for reads, raw loops ${params.rawIterations} ops (batched: ${params.batch} per COMMIT), data in ${tmpdir()}`);
    say('');

    // 1. The raw baseline first, while nothing else runs.
    progress('raw better-sqlite3 baseline');
    const rawDir = join(work, 'raw');
    const rawNormalDir = join(work, 'raw-normal');
    mkdirSync(rawDir);
    mkdirSync(rawNormalDir);
    const fsync = measureFsync(rawDir, 500);
    const rawOptions = { iterations: params.rawIterations, maxMsPerOp: 8000, batchSize: params.batch };
    const raw: RawResults = await measureRawSqlite(rawDir, { ...rawOptions, synchronous: 'FULL' });
    const rawNormal = await measureRawSqlite(rawNormalDir, { ...rawOptions, synchronous: 'NORMAL' });
    progress('domain commands in-process (unit of work + Kysely)');
    const commandsSerialDir = join(work, 'commands-1');
    const commandsConcurrentDir = join(work, 'commands-n');
    mkdirSync(commandsSerialDir);
    mkdirSync(commandsConcurrentDir);
    const commandsSerial = await measureCommands(commandsSerialDir, { iterations: params.rawIterations, maxMsPerOp: 8000, concurrency: 1 });
    const commands = await measureCommands(commandsConcurrentDir, { iterations: params.rawIterations, maxMsPerOp: 8000, concurrency: params.batch });

    // 2. A deployment made by the CLI, served by a separate process.
    const buildDir = join(work, 'build');
    mkdirSync(buildDir);
    progress('building the server (tsc -p tsconfig.build.json into a temp dir)');
    const baseEnv: NodeJS.ProcessEnv = { ...process.env };
    delete baseEnv.DATABASE_URL; // always SQLite here
    delete baseEnv.NODE_OPTIONS;
    const runtime = await prepareRuntime(repoRoot, buildDir, baseEnv);
    const dataDir = join(work, 'data');
    const sessionSecret = randomBytes(30).toString('base64url'); // 40 characters
    const dataKey = randomBytes(32).toString('base64'); // production requires a data key (ADR 0005)
    const demo = await runChild([...runtime.nodeArgs, 'demo'], {
      cwd: runtime.cwd,
      env: { ...baseEnv, OPENNRM_DATA_DIR: dataDir, NODE_ENV: 'development', OPENNRM_SESSION_SECRET: sessionSecret, OPENNRM_DATA_KEY: dataKey, LOG_LEVEL: 'warn' },
      timeoutMs: 60_000,
    });
    if (demo.code !== 0) throw new Error(`opennrm demo failed (${demo.code ?? demo.signal}):\n${demo.stderr}${demo.stdout}`);
    const port = await freePort();
    progress(`starting the server (${runtime.kind}) on 127.0.0.1:${port}`);
    server = await startServer(
      runtime,
      {
        ...baseEnv,
        OPENNRM_DATA_DIR: dataDir,
        OPENNRM_SESSION_SECRET: sessionSecret,
        OPENNRM_DATA_KEY: dataKey,
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: String(port),
        OPENNRM_COOKIE_SECURE: 'false',
        LOG_LEVEL: 'warn',
        OPENNRM_LOGIN_RATE_PER_MINUTE: '10000',
      },
      port,
      { nodeFlags: params.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${params.cpuProfileDir}`] : [] },
    );
    const running: ServerHandle = server;
    const session: Session = await signIn(running.baseUrl, DEMO_USER.username, DEMO_USER.password);
    const base = running.baseUrl;
    const load = (spec: Omit<LoadSpec, 'url'> & { path: string }): Promise<LoadResult> => {
      const { path, ...rest } = spec;
      progress(`${spec.label}: ${spec.connections} connections, ${spec.durationSeconds} s`);
      return runLoad({ ...rest, url: `${base}${path}` }, running.pid);
    };
    const createSpec = { method: 'POST' as const, path: '/api/v1/cases', headers: writeHeaders(session), body: CREATE_BODY };
    const readHeaders = { cookie: session.cookie };

    // 3. CREATE, after a short warm-up (JIT, SQLite page cache).
    const warmups: LoadResult[] = [];
    warmups.push(await load({ ...createSpec, label: 'create warm-up', connections: 16, durationSeconds: params.warmupSeconds }));
    const creates: LoadResult[] = [];
    for (const c of params.connections) {
      creates.push(await load({ ...createSpec, label: 'create', connections: c, durationSeconds: params.durationSeconds }));
    }

    // 4. READ, cycling through freshly created cases.
    progress(`seeding ${params.seedCases} cases`);
    const ids = await seedCases(base, session, params.seedCases);
    const readSpec = { method: 'GET' as const, path: '/api/v1/cases', headers: readHeaders, paths: ids.map((id) => `/api/v1/cases/${id}`) };
    warmups.push(await load({ ...readSpec, label: 'read warm-up', connections: 16, durationSeconds: params.warmupSeconds }));
    const reads: LoadResult[] = [];
    for (const c of params.connections) {
      reads.push(await load({ ...readSpec, label: 'read', connections: c, durationSeconds: params.durationSeconds }));
    }

    // 5. Floors, to split the cost: an authenticated GET that writes nothing, and a GET that touches no database.
    const floors: LoadResult[] = [];
    floors.push(await load({ method: 'GET', path: '/api/v1/auth/session', headers: readHeaders, label: 'GET /auth/session (session lookup, no write)', connections: 16, durationSeconds: params.floorSeconds }));
    floors.push(await load({ method: 'GET', path: '/healthz', headers: {}, label: 'GET /healthz (no auth, no database)', connections: 16, durationSeconds: params.floorSeconds }));

    await server.stop();
    const serverLog = server.logTail().trim();
    server = undefined;

    // 6. What the server wrote: every read appended an audit event.
    const serverDb = new SQLite(join(dataDir, 'opennrm.db'), { readonly: true });
    const auditCounts = new Map(
      (serverDb.prepare('select action, count(*) as n from audit_events group by action').all() as Array<{ action: string; n: number }>).map((r) => [r.action, r.n]),
    );
    serverDb.close();

    // 7. Report.
    const readOk = [...reads, ...warmups.filter((w) => w.spec.label.startsWith('read'))].reduce((s, r) => s + r.ok2xx, 0);
    const createOk = [...creates, ...warmups.filter((w) => w.spec.label.startsWith('create'))].reduce((s, r) => s + r.ok2xx, 0) + ids.length;
    const bestCreate = pickSummary(creates, meetsCreate);
    const bestRead = pickSummary(reads, meetsRead);
    if (!bestCreate || !bestRead) throw new Error('no load runs');

    say(`server: ${runtime.note}; SQLite WAL, synchronous=FULL; LOG_LEVEL=warn`);
    say('');
    say('== Summary (HTTP stack vs the same work straight on better-sqlite3) ==');
    say(
      table(
        ['operation', 'conns', 'stack req/s', 'p50', 'p99', 'raw sqlite ops/s', 'p50', 'p99', 'ratio', `raw ${params.batch}/commit ops/s`, 'ratio'],
        [
          ['case CREATE (POST /api/v1/cases)', bestCreate, raw.create, raw.createBatched] as const,
          ['case READ (GET /api/v1/cases/:id)', bestRead, raw.read, raw.readBatched] as const,
        ].map(([name, s, r, b]) => [name, String(s.spec.connections), int(s.reqPerSec), ms(s.p50), ms(s.p99), int(r.opsPerSec), ms(r.p50Ms), ms(r.p99Ms),
          `${(r.opsPerSec / s.reqPerSec).toFixed(1)}x`, int(b.opsPerSec), `${(b.opsPerSec / s.reqPerSec).toFixed(1)}x`]),
      ),
    );
    say('ratio = raw ops/s / stack req/s. raw sqlite = one transaction and one durable COMMIT per operation, one at a time;');
    say(`raw ${params.batch}/commit = the same operations ${params.batch} to a COMMIT, each in its own savepoint (what a group-committing server can reach).`);
    say('The summary row is, among the clean runs, the fastest one meeting its targets, else the fastest; all runs are below.');
    say('');
    say('== Targets (2 cores) ==');
    const verdict = (isMet: boolean) => (isMet ? 'MET' : 'NOT MET');
    say(`  reads  >= ${int(TARGETS.readReqPerSec)} req/s : ${int(bestRead.reqPerSec)} req/s  -> ${verdict(bestRead.reqPerSec >= TARGETS.readReqPerSec)}`);
    say(`  reads  p99 <= ${TARGETS.readP99Ms} ms   : ${ms(bestRead.p99)} (at ${bestRead.spec.connections} connections)  -> ${verdict(bestRead.p99 <= TARGETS.readP99Ms)}`);
    say(`  durable writes >= ${TARGETS.createReqPerSec} req/s : ${int(bestCreate.reqPerSec)} req/s  -> ${verdict(meetsCreate(bestCreate))}`);
    const allRuns = [...warmups, ...creates, ...reads, ...floors];
    const troubled = allRuns.filter((r) => problemsOf(r) !== undefined);
    if (troubled.length > 0) {
      say('');
      say('!!!!! ERRORS OR NON-2xx ANSWERS: the figures of these runs are suspect !!!!!');
      for (const r of troubled) say(`  ${r.spec.label} @${r.spec.connections}: ${problemsOf(r)}`);
    } else {
      say('  errors, timeouts and non-2xx answers: 0 in every run');
    }
    const noisy = allRuns.filter((r) => r.otherCpuSeconds !== undefined && r.otherCpuSeconds / r.wallSeconds > 0.15);
    if (noisy.length > 0) {
      say('');
      say(`!!!!! THE MACHINE WAS NOT QUIET: other processes used more than 15% of a core during ${noisy.length} run(s) ` +
        `(see "other procs"); those figures understate what this machine can do !!!!!`);
    }
    say('');
    say('== All HTTP runs (autocannon; latency of 2xx answers, 1 ms resolution; req/s = mean of 1 s samples) ==');
    say(runsTable(allRuns));
    say('');
    say('== In the bench process (hrtime per op; same schema, pragmas and audit hashing as the server) ==');
    say(
      table(
        ['operation', 'ops/s', 'p50', 'p99', 'mean', 'ops'],
        [
          rawRow('create: person + audit + case + audit, 1 tx (synchronous=FULL)', raw.create),
          rawRow('read: case select + audit, 1 tx (synchronous=FULL)', raw.read),
          rawRow('read without audit: case select only, no tx', raw.readNoAudit),
          rawRow('read + audit, every statement prepared anew (Kysely driver, no statement cache)', raw.readReprepared),
          rawRow(`create, ${params.batch} per COMMIT, savepoint each (latency = its batch)`, raw.createBatched),
          rawRow(`read + audit, ${params.batch} per COMMIT, savepoint each`, raw.readBatched),
          rawRow('create, synchronous=NORMAL (no fsync per commit)', rawNormal.create),
          rawRow('read + audit, synchronous=NORMAL (no fsync per commit)', rawNormal.read),
          rawRow('fdatasync of a 4 KiB write on this disk', fsync),
          rawRow('openCase in-process (unit of work + Kysely, no HTTP), 1 in flight', commandsSerial.create),
          rawRow('getCase in-process, 1 in flight', commandsSerial.read),
          rawRow(`openCase in-process, ${params.batch} in flight`, commands.create),
          rawRow(`getCase in-process, ${params.batch} in flight`, commands.read),
        ],
      ),
    );
    say('');
    say('== Where the time goes ==');
    const cpuPerRequest = (r: LoadResult | undefined) =>
      r?.serverCpuSeconds === undefined || r.ok2xx + r.non2xx === 0 ? undefined : r.serverCpuSeconds / (r.ok2xx + r.non2xx);
    const cell = (seconds: number | undefined) => (seconds === undefined || !Number.isFinite(seconds) ? 'n/a' : us(seconds));
    const floor = floors[0];
    say(
      table(
        ['per operation (µs = microseconds)', 'create', 'read'],
        [
          ['raw SQLite, prepared statements, 1 COMMIT per op (mean)', cell(raw.create.meanMs / 1000), cell(raw.read.meanMs / 1000)],
          ['  of which the commit fsync (synchronous FULL minus NORMAL)', cell((raw.create.meanMs - rawNormal.create.meanMs) / 1000),
            cell((raw.read.meanMs - rawNormal.read.meanMs) / 1000)],
          ['  of which the audit append (read+audit minus select only)', '-', cell((raw.read.meanMs - raw.readNoAudit.meanMs) / 1000)],
          [`raw SQLite, ${params.batch} ops per COMMIT (1 / ops/s)`, cell(1 / raw.createBatched.opsPerSec), cell(1 / raw.readBatched.opsPerSec)],
          ['raw SQLite, every statement prepared anew (Kysely driver, no statement cache)', '-', cell(raw.readReprepared.meanMs / 1000)],
          ['domain command in-process, 1 in flight (mean)', cell(commandsSerial.create.meanMs / 1000), cell(commandsSerial.read.meanMs / 1000)],
          [`domain command in-process, ${params.batch} in flight (1 / ops/s)`, cell(1 / commands.create.opsPerSec), cell(1 / commands.read.opsPerSec)],
          ['HTTP: server CPU per request (best run)', cell(cpuPerRequest(bestCreate)), cell(cpuPerRequest(bestRead))],
          ['HTTP: server wall time per request at that rate (1 / req/s)', cell(1 / bestCreate.reqPerSec), cell(1 / bestRead.reqPerSec)],
          ['HTTP: authenticated GET writing nothing (/auth/session), CPU', '-', cell(cpuPerRequest(floor))],
        ],
      ),
    );
    say(`  one fdatasync on this disk: p50 ${ms(fsync.p50Ms)}, p99 ${ms(fsync.p99Ms)}. better-sqlite3 is synchronous: the server's one thread waits out every COMMIT's fsync.`);
    say('  "server core" near 100% means the server\'s single Node thread is the bottleneck; the load generator runs on the other core.');
    say(`  audit events in the server's log: case.read ${int(auditCounts.get('case.read') ?? 0)} (2xx reads answered: ${int(readOk)}), ` +
      `case.create ${int(auditCounts.get('case.create') ?? 0)} (2xx creates answered: ${int(createOk)})`);
    say('    (the small surplus = requests still in flight when each run stopped, plus the demo cases): every read is a durable, hash-chained write, by design');
    if (serverLog) {
      say('');
      say('server log (warnings and errors, last lines):');
      say(serverLog.split('\n').map((l) => `  ${l.slice(0, 300)}`).join('\n'));
    }
    say('');
    if (params.cpuProfileDir) say(`server CPU profile written to ${params.cpuProfileDir} (profiling slows the server: do not compare these figures)`);
    say(`bench took ${((performance.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    await server?.stop().catch(() => undefined);
    removeWork();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
