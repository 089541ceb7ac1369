import { readFileSync } from 'node:fs';

// Linux /proc counters, to tell how busy the server, the load generator and everything else on the machine were.
// USER_HZ is 100 on every Linux Node supports. Elsewhere these return undefined and the report says n/a.
const USER_HZ = 100;

/** CPU time (user + system) a process has used so far, in seconds. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')': utime is the 14th, stime the 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / USER_HZ : undefined;
  } catch {
    return undefined;
  }
}

/** Busy CPU time of the whole machine so far (all cores, every process, plus time stolen by the hypervisor), in seconds. */
export function machineBusySeconds(): number | undefined {
  try {
    const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/);
    if (fields[0] !== 'cpu') return undefined;
    const at = (i: number) => Number(fields[i] ?? 0);
    // user nice system idle iowait irq softirq steal: everything but idle and iowait.
    const busy = at(1) + at(2) + at(3) + at(6) + at(7) + at(8);
    return Number.isFinite(busy) ? busy / USER_HZ : undefined;
  } catch {
    return undefined;
  }
}
