import { userInfo } from 'node:os';
import type { SystemActor } from '../domain/actor.js';
import { ERROR_TABLE } from '../http/error-table.js';
import type { ErrorCode } from '../shared/errors.js';
import type { FailureDetail } from '../shared/result.js';
import { uuidv7 } from '../shared/ids.js';

/** Output of CLI commands: results to stdout, messages and progress to stderr. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  readonly isTty: boolean;
}

export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  isTty: Boolean(process.stderr.isTTY),
};

/** An expected failure of a command: printed as one line, exit code 1. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Fails with an error code, its message and the failure's details (`password: too_short`), never input values. */
export function failWith(code: ErrorCode, details?: readonly FailureDetail[]): never {
  const why = details?.length ? ` (${details.map((d) => `${d.field}: ${d.reason}`).join('; ')})` : '';
  throw new CliError(`${code}: ${ERROR_TABLE[code].message}${why}`);
}

/** The console operator, audited by operating-system account name. */
export function consoleActor(): SystemActor {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    // no passwd entry in some containers
  }
  return { kind: 'system', name: `cli:${name}`, requestId: uuidv7(), purpose: 'administration' };
}

/** A progress bar on stderr when it is a terminal; nothing otherwise (logs and CI stay clean). */
export function progressBar(io: CliIo, label: string): (done: number, total: number) => void {
  let lastDrawn = -1;
  return (done, total) => {
    if (!io.isTty || total <= 0) return;
    const pct = Math.min(100, Math.floor((done / total) * 100));
    if (pct === lastDrawn) return;
    lastDrawn = pct;
    const width = 30;
    const filled = Math.round((pct / 100) * width);
    process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct}% (${done}/${total})`);
    if (done >= total) process.stderr.write('\n');
  };
}
