import { createCedarPolicyEngine, loadPolicySource } from '../src/platform/cedar-policy.js';
import { join } from 'node:path';
import type { UserActor } from '../src/domain/actor.js';
import { getCase, openCase } from '../src/domain/cases/case.commands.js';
import { createFieldCipher } from '../src/platform/field-cipher.js';
import { newRingKey } from '../src/platform/key-ring.js';
import { createIdGenerator, systemClock } from '../src/platform/system.js';
import { uuidv7 } from '../src/shared/ids.js';
import { openStore } from '../src/store/connect.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { createUnitOfWork } from '../src/store/unit-of-work.js';
import { summarise, type OpStats } from './raw-sqlite.js';

export interface CommandResults {
  /** `openCase` with a new person, through the app's unit of work and Kysely: no HTTP, no session lookup. */
  readonly create: OpStats;
  /** `getCase` (audited), likewise. */
  readonly read: OpStats;
}

/**
 * Keeps `concurrency` operations in flight (a closed loop, like autocannon's connections) until `iterations` are
 * done or `maxMs` has passed; each operation is timed from its start to its answer.
 */
async function timeConcurrent(iterations: number, concurrency: number, maxMs: number, op: (i: number) => Promise<void>): Promise<OpStats> {
  const durations: number[] = [];
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(maxMs) * 1_000_000n;
  let next = 0;
  const worker = async () => {
    while (next < iterations && process.hrtime.bigint() < deadline) {
      const i = next++;
      const t0 = process.hrtime.bigint();
      await op(i);
      durations.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return summarise(durations, Number(process.hrtime.bigint() - started) / 1e6);
}

/**
 * The middle layer between raw SQLite and HTTP: the domain commands the routes call, on the app's own unit of
 * work (group commit, Kysely, audit store), with `concurrency` in flight in this process. The gap to raw SQLite is Kysely and
 * the domain code; the gap to HTTP is Fastify, zod, the session lookup and the network.
 */
export async function measureCommands(
  dir: string,
  options: { iterations: number; maxMsPerOp: number; concurrency: number },
): Promise<CommandResults> {
  const store = openStore({ kind: 'sqlite', file: join(dir, 'commands.db') });
  try {
    await migrateToLatest(store.db);
    const now = new Date().toISOString();
    const orgId = uuidv7();
    const userId = uuidv7();
    await store.db.insertInto('organisations').values({ id: orgId, name: 'Bench org', type: 'shelter', country: 'ZZ', is_demo: 0, created_at: now }).execute();
    await store.db
      .insertInto('users')
      .values({ id: userId, organisation_id: orgId, username: 'bench.user', display_name: 'Bench user', role: 'caseworker', password_hash: 'x',
        is_disabled: 0, is_demo: 0, failed_logins: 0, locked_until: null, password_changed_at: now, created_at: now })
      .execute();
    const actor: UserActor = {
      kind: 'user',
      userId,
      organisationId: orgId,
      organisationType: 'shelter',
      role: 'caseworker',
      sessionId: uuidv7(),
      requestId: uuidv7(),
      purpose: 'case_management',
    };
    const ids = createIdGenerator(systemClock);
    const key = newRingKey(new Date());
    const cipher = createFieldCipher(() => ({ currentId: key.id, keys: [key] }));
    const deps = { uow: createUnitOfWork(store, systemClock, ids, cipher), clock: systemClock, ids, policy: createCedarPolicyEngine(loadPolicySource()) };
    const caseIds: string[] = [];
    const create = async () => {
      const result = await openCase(deps, actor, { person: { givenName: 'Bench', familyName: 'Person', sex: 'unknown', isDateOfBirthEstimated: false } });
      if (!result.ok) throw new Error(`openCase: ${result.error}`);
      caseIds.push(result.value.id);
    };
    const pick = (i: number) => caseIds[(i * 7919) % caseIds.length] as string;
    const read = async (i: number) => {
      const result = await getCase(deps, actor, pick(i));
      if (!result.ok) throw new Error(`getCase: ${result.error}`);
    };
    for (let i = 0; i < 200; i++) await create();
    const createStats = await timeConcurrent(options.iterations, options.concurrency, options.maxMsPerOp, create);
    for (let i = 0; i < 200; i++) await read(i);
    const readStats = await timeConcurrent(options.iterations, options.concurrency, options.maxMsPerOp, read);
    return { create: createStats, read: readStats };
  } finally {
    await store.close();
  }
}
