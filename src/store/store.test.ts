import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALLOW_ALL } from '../domain/policy/scope.js';
import { testCipher } from '../../test/cipher.js';
import { DIALECTS, freshTarget, type TestTarget } from '../../test/dialects.js';
import type { Actor } from '../domain/actor.js';
import { err, ok } from '../shared/result.js';
import { systemClock, createIdGenerator } from '../platform/system.js';
import { verifyAuditChain, recentAuditEvents } from './audit.store.js';
import { openStore, type Store } from './connect.js';
import { dialectOf } from './dialect/dialect.js';
import { migrateToLatest, pendingMigrations } from './migrate.js';
import { createUnitOfWork } from './unit-of-work.js';

const actor: Actor = { kind: 'system', name: 'store-test', requestId: 'r', purpose: 'administration' };
const now = '2026-11-28T12:00:00.000Z';

describe.each(DIALECTS)('store on %s', (dialect) => {
  let target: TestTarget;
  let store: Store;
  const ids = createIdGenerator(systemClock);
  const cipher = testCipher();
  const uow = () => createUnitOfWork(store, systemClock, ids, cipher);

  beforeAll(async () => {
    target = await freshTarget(dialect);
    store = openStore(target.target);
    await migrateToLatest(store.db);
  });
  afterAll(async () => {
    await store.close();
    await target.cleanup();
  });

  it('migrates once, then has nothing pending', async () => {
    expect(dialectOf(store.db)).toBe(dialect);
    expect(await pendingMigrations(store.db)).toEqual([]);
    expect((await migrateToLatest(store.db)).applied).toEqual([]);
  });

  it('round-trips organisations, users, persons and cases through the repositories', async () => {
    const orgId = ids.next();
    const result = await uow().write(async (r) => {
      await r.organisations.insert({ id: orgId, name: 'Shelter A', type: 'shelter', sector: 'service_provider', country: 'FR', isDemo: false, createdAt: now });
      await r.users.insert({ id: ids.next(), organisationId: orgId, username: 'amina', displayName: 'Amina', role: 'caseworker', isDisabled: false, isDemo: false, createdAt: now, passwordHash: 'h' });
      await r.persons.insert({ id: 'p-1', organisationId: orgId, givenName: 'María José', familyName: 'Ramírez', sex: 'female', dateOfBirth: '1988-11', isDateOfBirthEstimated: true, nationality: 'PY', preferredLanguage: 'es', registeredBy: null, createdAt: now, updatedAt: now, version: 1 });
      await r.cases.insert({ id: ids.next(), organisationId: orgId, personId: 'p-1', status: 'open', assignedUserId: null, openedAt: now, closedAt: null, createdAt: now, updatedAt: now, version: 1 });
      return ok(undefined);
    });
    expect(result.ok).toBe(true);
    const read = await uow().read(async (r) => ({
      org: await r.organisations.findById(orgId),
      user: await r.users.findCredentials('amina'),
      person: await r.persons.findById('p-1'),
      cases: await r.cases.list({ scope: ALLOW_ALL, now, nameQuery: 'jose ramirez', limit: 10 }),
    }));
    expect(read.org).toMatchObject({ name: 'Shelter A', sector: 'service_provider', isDemo: false });
    expect(read.user).toMatchObject({ username: 'amina', failedLogins: 0, lockedUntil: null, isDisabled: false });
    expect(read.person).toMatchObject({ givenName: 'María José', isDateOfBirthEstimated: true, dateOfBirth: '1988-11' });
    expect(read.cases.items).toHaveLength(1);
    expect(read.cases.items[0]?.person.familyName).toBe('Ramírez');
  });

  it('searches names by whole words only: no substrings, no wildcards, every word must match', async () => {
    const search = (nameQuery: string) =>
      uow().read(async (r) => {
        const org = (await r.organisations.findByName('Shelter A'))!;
        return (await r.persons.list({ scope: { op: 'eq', attr: 'organisation', value: org.id }, now, nameQuery, limit: 10 })).items.map((p) => p.id);
      });
    expect(await search('ramirez')).toEqual(['p-1']);
    expect(await search('ramirez maria')).toEqual(['p-1']);
    for (const miss of ['%', 'ram', 'ramirez pedro', '']) expect(await search(miss), miss).toEqual([]);
  });

  it('rolls back every write of a command that returns an error, and of one that throws', async () => {
    const before = await uow().read((r) => r.organisations.list({ scope: ALLOW_ALL, limit: 100 }));
    const failed = await uow().write(async (r) => {
      await r.organisations.insert({ id: ids.next(), name: 'Ghost', type: 'ngo', sector: 'service_provider', country: null, isDemo: false, createdAt: now });
      await r.audit.append(actor, { action: 'organisation.create', recordType: 'organisation', recordId: 'ghost' });
      return err('organisation.name_taken');
    });
    expect(failed).toEqual({ ok: false, error: 'organisation.name_taken' });
    await expect(
      uow().write(async (r) => {
        await r.organisations.insert({ id: ids.next(), name: 'Ghost 2', type: 'ngo', sector: 'service_provider', country: null, isDemo: false, createdAt: now });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const after = await uow().read((r) => r.organisations.list({ scope: ALLOW_ALL, limit: 100 }));
    expect(after.items.map((o) => o.name)).toEqual(before.items.map((o) => o.name));
  });

  it('keeps the audit chain whole under concurrent appends', async () => {
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        uow().write(async (r) => ok(await r.audit.append(actor, { action: 'case.read', recordType: 'case', recordId: `c${i}` }))),
      ),
    );
    const result = await verifyAuditChain(store.db, { batchSize: 7 });
    expect(result.broken).toBeNull();
    expect(result.checked).toBeGreaterThanOrEqual(40);
  });

  it('refuses UPDATE and DELETE on the audit table', async () => {
    await expect(sql`update audit_events set action = 'x'`.execute(store.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_events`.execute(store.db)).rejects.toThrow(/append-only/);
  });

  it('reports the first altered event once the triggers are bypassed', async () => {
    const events = await recentAuditEvents(store.db, 100);
    const victim = events[Math.floor(events.length / 2)]!;
    if (dialect === 'sqlite') {
      await sql`drop trigger audit_events_no_update`.execute(store.db);
    } else {
      await sql`alter table audit_events disable trigger audit_events_no_rewrite`.execute(store.db);
    }
    await sql`update audit_events set record_id = 'tampered' where seq = ${victim.seq}`.execute(store.db);
    const result = await verifyAuditChain(store.db, { batchSize: 5 });
    expect(result.broken).toEqual({ seq: victim.seq, reason: 'hash_mismatch' });
    expect(result.checked).toBe(victim.seq - 1);
  });
});
