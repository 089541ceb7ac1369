/**
 * `npm run bench` (second part): the firewall policy's cost. A record-level decision (Cedar, preparsed) and a
 * filtered list of 50 cases out of 100,000 on SQLite, through the same command the API calls (scope compiled to
 * SQL, audit event appended). Targets (issue #3): decision p99 <= 0.3 ms; filtered list p99 <= 30 ms.
 * Prints figures; never fails on timing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UserActor } from '../src/domain/actor.js';
import { getCase, listCases } from '../src/domain/cases/case.commands.js';
import { caseEntity, principalOf } from '../src/domain/policy/policy.model.js';
import { createCedarPolicyEngine, loadPolicySource } from '../src/platform/cedar-policy.js';
import { createIdGenerator, systemClock } from '../src/platform/system.js';
import { openStore } from '../src/store/connect.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { createUnitOfWork } from '../src/store/unit-of-work.js';
import { uuidv7 } from '../src/shared/ids.js';
import { createFieldCipher } from '../src/platform/field-cipher.js';
import { newRingKey } from '../src/platform/key-ring.js';
import { encryptField, nameTokenRows } from '../src/store/field-codec.js';
import { table } from './report.js';

const CASES = Number(process.env.BENCH_POLICY_CASES) || 100_000;
const ORGS = 50;
const USERS_PER_ORG = 10;
const say = (line = '') => process.stdout.write(`${line}\n`);

interface Stats {
  readonly n: number;
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
}

async function time(n: number, op: (i: number) => unknown): Promise<Stats> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint();
    await op(i);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? NaN;
  return { n, p50: at(0.5), p99: at(0.99), mean: samples.reduce((a, b) => a + b, 0) / n };
}

const fmt = (v: number) => `${v < 1 ? v.toFixed(3) : v.toFixed(2)} ms`;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'opennrm-bench-policy-'));
  const store = openStore({ kind: 'sqlite', file: join(dir, 'bench.db') });
  try {
    await migrateToLatest(store.db);
    const policy = createCedarPolicyEngine(loadPolicySource());
    const sqlite = store.sqlite;
    if (!sqlite) throw new Error('SQLite expected');
    const now = new Date().toISOString();
    const key = newRingKey(new Date());
    const cipher = createFieldCipher(() => ({ currentId: key.id, keys: [key] }));
    const insToken = sqlite.prepare('insert into person_name_tokens (person_id, key_id, token_hash) values (?, ?, ?)');
    const orgIds = Array.from({ length: ORGS }, () => uuidv7());
    const userIds = orgIds.map(() => Array.from({ length: USERS_PER_ORG }, () => uuidv7()));
    const firstOrgCases: Array<{ id: string; assignee: string }> = [];
    process.stderr.write(`  … seeding ${CASES.toLocaleString('en-GB')} cases in ${ORGS} organisations\n`);
    const insOrg = sqlite.prepare('insert into organisations (id, name, type, country, is_demo, created_at) values (?, ?, ?, null, 0, ?)');
    const insUser = sqlite.prepare(
      "insert into users (id, organisation_id, username, display_name, role, password_hash, is_disabled, is_demo, failed_logins, locked_until, password_changed_at, created_at) values (?, ?, ?, 'x', ?, 'x', 0, 0, 0, null, ?, ?)",
    );
    const insPerson = sqlite.prepare(
      "insert into persons (id, organisation_id, given_name, family_name, name_search, sex, date_of_birth, is_date_of_birth_estimated, nationality, preferred_language, created_by, created_at, updated_at, version) values (?, ?, ?, ?, '', 'unknown', null, 0, null, null, ?, ?, ?, 1)",
    );
    const insCase = sqlite.prepare(
      "insert into cases (id, organisation_id, person_id, status, assigned_user_id, opened_at, closed_at, created_at, updated_at, version) values (?, ?, ?, 'open', ?, ?, null, ?, ?, 1)",
    );
    sqlite.transaction(() => {
      orgIds.forEach((id, o) => {
        insOrg.run(id, `Bench org ${o}`, o % 5 === 4 ? 'police' : 'shelter', now);
        userIds[o]?.forEach((u, k) => insUser.run(u, id, `u${o}.${k}`, k === 0 ? 'supervisor' : 'caseworker', now, now));
      });
      for (let i = 0; i < CASES; i++) {
        const o = i % ORGS;
        const users = userIds[o] as string[];
        const assignee = users[1 + (i % (USERS_PER_ORG - 1))] as string;
        const personId = uuidv7();
        const family = `Person${i}`;
        insPerson.run(personId, orgIds[o], encryptField(cipher, 'persons', 'given_name', personId, 'Bench'), encryptField(cipher, 'persons', 'family_name', personId, family), assignee, now, now);
        for (const t of nameTokenRows(cipher, personId, 'Bench', family)) insToken.run(t.person_id, t.key_id, t.token_hash);
        const caseId = uuidv7();
        insCase.run(caseId, orgIds[o], personId, assignee, now, now, now);
        if (o === 0) firstOrgCases.push({ id: caseId, assignee });
      }
    })();
    sqlite.exec('analyze');

    const actorOf = (o: number, k: number): UserActor => ({
      kind: 'user',
      userId: userIds[o]?.[k] as string,
      organisationId: orgIds[o] as string,
      organisationType: 'shelter',
      role: k === 0 ? 'supervisor' : 'caseworker',
      sessionId: 's',
      requestId: 'r',
      purpose: 'case_management',
    });

    // Record-level decisions: a caseworker on her own case (allow) and on a colleague's (deny).
    const caseworker = actorOf(0, 1);
    const principal = principalOf(caseworker);
    if (!principal) throw new Error('no principal');
    const own = caseEntity({ id: 'c-own', organisationId: caseworker.organisationId, assignedUserId: caseworker.userId }, 'shelter');
    const other = caseEntity({ id: 'c-other', organisationId: caseworker.organisationId, assignedUserId: 'someone-else' }, 'shelter');
    const decide = (i: number) =>
      policy.isAllowed({ principal: principal.ref, action: 'case.read', resource: { type: 'Case', id: i % 2 ? 'c-own' : 'c-other' }, entities: [...principal.entities, ...(i % 2 ? own : other)] });
    // A different (fictitious) caseworker each time: every decision misses the decision cache and goes to Cedar.
    const decideUncached = (i: number) => {
      const someone = principalOf({ ...caseworker, userId: `bench-user-${i}` });
      if (!someone) throw new Error('no principal');
      const theirs = caseEntity({ id: `c-${i}`, organisationId: caseworker.organisationId, assignedUserId: i % 2 ? `bench-user-${i}` : 'someone-else' }, 'shelter');
      return policy.isAllowed({ principal: someone.ref, action: 'case.read', resource: { type: 'Case', id: `c-${i}` }, entities: [...someone.entities, ...theirs] });
    };
    for (let i = 0; i < 2000; i++) decideUncached(1_000_000 + i);
    const decision = await time(20_000, decideUncached);
    const decisionCached = await time(20_000, decide);

    const deps = { uow: createUnitOfWork(store, systemClock, createIdGenerator(systemClock), cipher), clock: systemClock, policy };
    const list = (actor: UserActor) => async () => {
      const result = await listCases(deps, actor, { limit: 50 });
      if (!result.ok || result.value.items.length === 0) throw new Error(`list failed: ${JSON.stringify(result).slice(0, 100)}`);
    };
    const search = (actor: UserActor) => async (i: number) => {
      const result = await listCases(deps, actor, { limit: 50, q: `person${(i * 50 + actor.organisationId.length) % CASES}` });
      if (!result.ok) throw new Error('search failed');
    };
    for (let i = 0; i < 50; i++) await list(actorOf(i % ORGS, 1))();
    const caseworkerList = await time(1000, (i) => list(actorOf(i % ORGS, 1 + (i % (USERS_PER_ORG - 1))))());
    const supervisorList = await time(1000, (i) => list(actorOf(i % ORGS, 0))());
    const supervisorSearch = await time(300, (i) => search(actorOf(i % ORGS, 0))(i));

    // "Not found" and "forbidden" must look alike, timing included: a caseworker asks for colleagues' cases (denied),
    // for ids that do not exist (missing) and for her own (allowed), interleaved so that drift hits all three alike.
    const reader = actorOf(0, 1);
    const denied = firstOrgCases.filter((c) => c.assignee !== reader.userId).map((c) => c.id);
    const allowed = firstOrgCases.filter((c) => c.assignee === reader.userId).map((c) => c.id);
    const read = (id: string) => async () => {
      await getCase(deps, reader, id);
    };
    const samples = { denied: [] as number[], missing: [] as number[], allowed: [] as number[] };
    for (let i = 0; i < 3000; i++) {
      const kind = (['denied', 'missing', 'allowed'] as const)[i % 3] as 'denied' | 'missing' | 'allowed';
      const id = kind === 'missing' ? uuidv7() : kind === 'denied' ? (denied[i % denied.length] as string) : (allowed[i % allowed.length] as string);
      const start = process.hrtime.bigint();
      await read(id)();
      samples[kind].push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    const stats = (xs: number[]): Stats => {
      const s = [...xs].sort((a, b) => a - b);
      const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
      return { n: s.length, p50: at(0.5), p99: at(0.99), mean: s.reduce((a, b) => a + b, 0) / s.length };
    };
    const [deniedStats, missingStats, allowedStats] = [stats(samples.denied), stats(samples.missing), stats(samples.allowed)];

    say('');
    say(`== Firewall policy (Cedar ${'4.13'}, SQLite, ${CASES.toLocaleString('en-GB')} cases in ${ORGS} organisations) ==`);
    say(
      table(
        ['operation', 'n', 'p50', 'p99', 'mean', 'target p99', 'met'],
        [
          ['policy decision by Cedar (case.read, allow and deny alternating)', String(decision.n), fmt(decision.p50), fmt(decision.p99), fmt(decision.mean), '0.3 ms', decision.p99 <= 0.3 ? 'MET' : 'NOT MET'],
          ['the same from the decision cache (a caseworker\u2019s repeated reads)', String(decisionCached.n), fmt(decisionCached.p50), fmt(decisionCached.p99), fmt(decisionCached.mean), '-', '-'],
          ['list 50 cases as a caseworker (listCases + audit)', String(caseworkerList.n), fmt(caseworkerList.p50), fmt(caseworkerList.p99), fmt(caseworkerList.mean), '30 ms', caseworkerList.p99 <= 30 ? 'MET' : 'NOT MET'],
          ['list 50 cases as a supervisor (listCases + audit)', String(supervisorList.n), fmt(supervisorList.p50), fmt(supervisorList.p99), fmt(supervisorList.mean), '30 ms', supervisorList.p99 <= 30 ? 'MET' : 'NOT MET'],
          ['read a colleague\u2019s case: denied, answers "not found"', String(deniedStats.n), fmt(deniedStats.p50), fmt(deniedStats.p99), fmt(deniedStats.mean), '-', '-'],
          ['read a case that does not exist: "not found"', String(missingStats.n), fmt(missingStats.p50), fmt(missingStats.p99), fmt(missingStats.mean), '-', '-'],
          ['read one\u2019s own case (for comparison)', String(allowedStats.n), fmt(allowedStats.p50), fmt(allowedStats.p99), fmt(allowedStats.mean), '-', '-'],
          ['name search (blind-index word) in a supervisor\u2019s cases (+ audit)', String(supervisorSearch.n), fmt(supervisorSearch.p50), fmt(supervisorSearch.p99), fmt(supervisorSearch.mean), '-', '-'],
        ],
      ),
    );
    say('Each list runs in a durable write transaction (the audit event of the ids shown), one at a time: the fsync is included.');
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
