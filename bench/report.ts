import type { LoadResult } from './http-load.js';

/** A plain-text table, columns padded to their widest cell; numbers right-aligned. */
export function table(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const isNumeric = headers.map((_, i) => rows.every((r) => /^[\d.,x×%µ~\s-]*(ms|s|µs|%)?$/.test(r[i] ?? '')));
  const line = (cells: readonly string[], alignNumbers: boolean) =>
    cells
      .map((c, i) => (alignNumbers && isNumeric[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join(' | ')
      .trimEnd();
  return [line(headers, false), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map((r) => line(r, true))].join('\n');
}

export const int = (n: number) => Math.round(n).toLocaleString('en-GB');
/** Milliseconds; whole numbers (autocannon's 1 ms resolution) without false decimals. */
export const ms = (n: number) =>
  !Number.isFinite(n) ? 'n/a' : Number.isInteger(n) ? `${n} ms` : `${n < 10 ? n.toFixed(2) : n.toFixed(1)} ms`;
export const us = (seconds: number) => `${Math.round(seconds * 1e6)} µs`;

/** Problems of a run that make its figures suspect: errors, timeouts, non-2xx answers. */
export function problemsOf(r: LoadResult): string | undefined {
  if (r.errors === 0 && r.timeouts === 0 && r.non2xx === 0) return undefined;
  const codes = Object.entries(r.statusCodes)
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, n]) => `${code}×${n}`)
    .join(' ');
  return `errors=${r.errors} timeouts=${r.timeouts} non2xx=${r.non2xx}${codes ? ` (${codes})` : ''}`;
}

/** Server CPU per request and as a share of one core; the load generator's and every other process's, in cores. */
export function cpuFigures(r: LoadResult): { perRequest: string; serverCore: string; clientCore: string; otherCore: string } {
  const requests = r.ok2xx + r.non2xx;
  return {
    perRequest: r.serverCpuSeconds === undefined || requests === 0 ? 'n/a' : us(r.serverCpuSeconds / requests),
    serverCore: r.serverCpuSeconds === undefined ? 'n/a' : `${Math.round((100 * r.serverCpuSeconds) / r.wallSeconds)}%`,
    clientCore: `${Math.round((100 * r.clientCpuSeconds) / r.wallSeconds)}%`,
    otherCore: r.otherCpuSeconds === undefined ? 'n/a' : `${Math.round((100 * r.otherCpuSeconds) / r.wallSeconds)}%`,
  };
}
