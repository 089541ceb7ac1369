import { runCli } from '../src/cli/program.js';
import type { CliIo } from '../src/cli/io.js';

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs the `opennrm` CLI in process with `env`, capturing what it prints. */
export async function runCapturedCli(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), isTty: false };
  const code = await runCli(['node', 'opennrm', ...args], io, env);
  return { code, out: out.join('\n'), err: err.join('\n') };
}
