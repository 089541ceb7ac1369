import autocannon from 'autocannon';
import { machineBusySeconds, processCpuSeconds } from './proc-stat.js';

export interface Session {
  /** `opennrm_session=...`, for the `cookie` header. */
  readonly cookie: string;
  readonly csrfToken: string;
}

export const CREATE_BODY = JSON.stringify({ person: { givenName: 'Bench', familyName: 'Person' } });

/** Signs in through the API, as a browser would. */
export async function signIn(baseUrl: string, username: string, password: string): Promise<Session> {
  const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`sign-in failed: ${response.status} ${text.slice(0, 300)}`);
  const setCookie = response.headers.get('set-cookie') ?? '';
  const match = /opennrm_session=([^;]+)/.exec(setCookie);
  const body = JSON.parse(text) as { csrfToken?: unknown };
  if (!match?.[1] || typeof body.csrfToken !== 'string') throw new Error('sign-in: no session cookie or CSRF token in the answer');
  return { cookie: `opennrm_session=${match[1]}`, csrfToken: body.csrfToken };
}

export function writeHeaders(session: Session): Record<string, string> {
  return { cookie: session.cookie, 'x-csrf-token': session.csrfToken, 'content-type': 'application/json' };
}

/** Opens `count` cases through the API with a few requests in flight; returns their ids. */
export async function seedCases(baseUrl: string, session: Session, count: number, inFlight = 8): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next += 1;
      const response = await fetch(`${baseUrl}/api/v1/cases`, {
        method: 'POST',
        headers: writeHeaders(session),
        body: CREATE_BODY,
        signal: AbortSignal.timeout(10_000),
      });
      const text = await response.text();
      if (response.status !== 201) throw new Error(`seeding a case failed: ${response.status} ${text.slice(0, 300)}`);
      ids.push((JSON.parse(text) as { id: string }).id);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return ids;
}

export interface LoadSpec {
  readonly label: string;
  readonly url: string;
  readonly connections: number;
  readonly durationSeconds: number;
  readonly method: 'GET' | 'POST';
  readonly headers: Record<string, string>;
  readonly body?: string;
  /** Paths to cycle through, one per request, shared by every connection. */
  readonly paths?: readonly string[];
}

export interface LoadResult {
  readonly spec: LoadSpec;
  /** autocannon's `requests.average`: the mean of its one-second samples. */
  readonly reqPerSec: number;
  readonly p50: number;
  readonly p97_5: number;
  readonly p99: number;
  readonly max: number;
  readonly ok2xx: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly statusCodes: Record<string, number>;
  /** CPU seconds the server process used during the run (undefined without /proc). */
  readonly serverCpuSeconds: number | undefined;
  /** CPU seconds this process (the load generator) used during the run. */
  readonly clientCpuSeconds: number;
  /** CPU seconds every other process on the machine used during the run (other people's work skews the figures). */
  readonly otherCpuSeconds: number | undefined;
  readonly wallSeconds: number;
  /** autocannon's measured duration and its number of one-second samples. */
  readonly measuredSeconds: number;
  readonly samples: number;
}

/** One autocannon run against the server process `serverPid`, measuring both processes' CPU time. */
export function runLoad(spec: LoadSpec, serverPid: number): Promise<LoadResult> {
  const paths = spec.paths;
  let cursor = 0;
  const request: autocannon.Request = {
    method: spec.method,
    headers: spec.headers,
    ...(spec.body === undefined ? {} : { body: spec.body }),
    ...(paths && paths.length > 0
      ? {
          setupRequest: (req: autocannon.Request) => {
            req.path = paths[cursor % paths.length];
            cursor += 1;
            return req;
          },
        }
      : {}),
  };
  const serverCpuBefore = processCpuSeconds(serverPid);
  const clientCpuBefore = process.cpuUsage();
  const machineBefore = machineBusySeconds();
  const started = performance.now();
  return new Promise((resolve, reject) => {
    // A stuck run must not hang the bench: stop it a little after its planned end.
    let instance: autocannon.Instance | undefined;
    const guard = setTimeout(() => instance?.stop(), (spec.durationSeconds + 15) * 1000);
    instance = autocannon(
      { url: spec.url, connections: spec.connections, duration: spec.durationSeconds, timeout: 10, requests: [request] },
      (error, result) => {
        clearTimeout(guard);
        if (error) return reject(error);
        const wallSeconds = (performance.now() - started) / 1000;
        const serverCpuAfter = processCpuSeconds(serverPid);
        const clientCpu = process.cpuUsage(clientCpuBefore);
        const machineAfter = machineBusySeconds();
        const serverCpuSeconds = serverCpuBefore === undefined || serverCpuAfter === undefined ? undefined : serverCpuAfter - serverCpuBefore;
        const clientCpuSeconds = (clientCpu.user + clientCpu.system) / 1e6;
        const statusCodes: Record<string, number> = {};
        for (const [code, stat] of Object.entries(result.statusCodeStats)) statusCodes[code] = stat.count;
        resolve({
          spec,
          reqPerSec: result.requests.average,
          p50: result.latency.p50,
          p97_5: result.latency.p97_5,
          p99: result.latency.p99,
          max: result.latency.max,
          ok2xx: result['2xx'],
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          statusCodes,
          serverCpuSeconds,
          clientCpuSeconds,
          otherCpuSeconds:
            machineBefore === undefined || machineAfter === undefined || serverCpuSeconds === undefined
              ? undefined
              : Math.max(0, machineAfter - machineBefore - serverCpuSeconds - clientCpuSeconds),
          wallSeconds,
          measuredSeconds: result.duration,
          samples: result.samples,
        });
      },
    );
  });
}
