import { spawn, type ChildProcess } from 'node:child_process';
import { symlinkSync, writeFileSync, cpSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** How the server is started: the `tsc` build (production-like) or the TypeScript sources through tsx. */
export interface Runtime {
  readonly kind: 'dist' | 'tsx';
  /** Arguments to `node` before the CLI command. */
  readonly nodeArgs: readonly string[];
  readonly cwd: string;
  readonly note: string;
}

interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Children still running, killed if the bench process exits early (Ctrl-C, SIGTERM, a crash). */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Runs a child process to its end, killing it after `timeoutMs`. Never throws on a non-zero exit. */
export function runChild(args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    child.on('exit', () => running.delete(child));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/**
 * Compiles the server with the repository's own build config into `buildDir` (never into the repository's
 * dist/, which other people may be using), so it runs as plain JavaScript like a production deployment. Falls
 * back to tsx when the build fails (for instance while someone's change is half done).
 */
export async function prepareRuntime(repoRoot: string, buildDir: string, env: NodeJS.ProcessEnv): Promise<Runtime> {
  const tsx: Runtime = { kind: 'tsx', nodeArgs: ['--import', 'tsx', join(repoRoot, 'src/main.ts')], cwd: repoRoot, note: '' };
  if (env.BENCH_RUNTIME === 'tsx') return { ...tsx, note: 'tsx (BENCH_RUNTIME=tsx)' };
  const outDir = join(buildDir, 'dist');
  const started = performance.now();
  const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
  const build = await runChild([tsc, '-p', join(repoRoot, 'tsconfig.build.json'), '--outDir', outDir], {
    cwd: repoRoot,
    env,
    timeoutMs: 120_000,
  }).catch((error: unknown) => ({ code: 1, signal: null, stdout: '', stderr: error instanceof Error ? error.message : String(error) }));
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (build.code !== 0) {
    const firstError = (build.stdout + build.stderr).split('\n').find((l) => l.trim().length > 0) ?? `exit ${build.code ?? build.signal}`;
    return { ...tsx, note: `tsx: the tsc build FAILED in ${seconds} s (${firstError.trim().slice(0, 160)})` };
  }
  // The emitted ES modules need "type": "module" and the repository's node_modules beside them.
  writeFileSync(join(buildDir, 'package.json'), JSON.stringify({ type: 'module' }));
  // The policy files are a runtime asset beside dist/, as in a deployment of the package.
  cpSync(join(repoRoot, 'policy'), join(buildDir, 'policy'), { recursive: true });
  symlinkSync(join(repoRoot, 'node_modules'), join(buildDir, 'node_modules'), 'dir');
  return { kind: 'dist', nodeArgs: [join(outDir, 'main.js')], cwd: buildDir, note: `node dist/main.js (tsc build in ${seconds} s, into a temp dir)` };
}

/** A TCP port free on 127.0.0.1 at the time of asking. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

export interface ServerHandle {
  readonly baseUrl: string;
  readonly pid: number;
  /** The last lines the server wrote to stderr (its warnings and errors). */
  logTail(): string;
  stop(): Promise<void>;
}

/**
 * Starts `opennrm serve` as a child process and waits until GET /healthz answers 200. `nodeFlags` go to node
 * itself (for instance `--cpu-prof`).
 */
export async function startServer(
  runtime: Runtime,
  env: NodeJS.ProcessEnv,
  port: number,
  options: { nodeFlags?: readonly string[]; timeoutMs?: number } = {},
): Promise<ServerHandle> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const args = [...(options.nodeFlags ?? []), ...runtime.nodeArgs, 'serve'];
  const child: ChildProcess = spawn(process.execPath, args, { cwd: runtime.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (d: Buffer) => {
    log = (log + d.toString()).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  running.add(child);
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.on('exit', () => {
      exited = true;
      running.delete(child);
      resolve();
    }),
  );

  const handle: ServerHandle = {
    baseUrl: `http://127.0.0.1:${port}`,
    pid: child.pid ?? -1,
    logTail: () => log.split('\n').slice(-20).join('\n'),
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      // Long enough for a --cpu-prof profile to be written on exit.
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(timer);
    },
  };

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`the server exited during start-up:\n${handle.logTail()}`);
    try {
      const response = await fetch(`${handle.baseUrl}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (response.status === 200) return handle;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await handle.stop();
  throw new Error(`the server did not answer /healthz within ${timeoutMs} ms:\n${handle.logTail()}`);
}
