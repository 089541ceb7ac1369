import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALLOW_ALL } from '../domain/policy/scope.js';
import { testCipher } from '../../test/cipher.js';
import { freshTarget, type TestTarget } from '../../test/dialects.js';
import type { Actor } from '../domain/actor.js';
import type { Repos } from '../domain/ports.js';
import { createIdGenerator, systemClock } from '../platform/system.js';
import { err, ok } from '../shared/result.js';
import { verifyAuditChain } from './audit.store.js';
import { openStore, type Store } from './connect.js';
import { migrateToLatest } from './migrate.js';
import { createUnitOfWork } from './unit-of-work.js';

const actor: Actor = { kind: 'system', name: 'group-commit-test', requestId: 'r', purpose: 'administration' };
const now = '2026-11-28T12:00:00.000Z';

describe('SQLite group commit', () => {
  let target: TestTarget;
  let store: Store;
  const ids = createIdGenerator(systemClock);

  beforeAll(async () => {
    target = await freshTarget('sqlite');
    store = openStore(target.target);
    await migrateToLatest(store.db);
  });
  afterAll(async () => {
    await store.close();
    await target.cleanup();
  });

  const insertOrg = (name: string) => async (r: Repos) => {
    await r.organisations.insert({ id: ids.next(), name, type: 'ngo', sector: 'service_provider', country: null, isDemo: false, createdAt: now });
    await r.audit.append(actor, { action: 'organisation.create', recordType: 'organisation', recordId: name });
    return ok(name);
  };

  it('commits the works of one batch independently: a failed or throwing work is undone alone', async () => {
    const uow = createUnitOfWork(store, systemClock, ids, testCipher());
    const results = await Promise.allSettled([
      uow.write(insertOrg('kept-1')),
      uow.write(async (r) => {
        await insertOrg('undone-by-error')(r);
        return err('organisation.name_taken');
      }),
      uow.write(async (r) => {
        await insertOrg('undone-by-throw')(r);
        throw new Error('bug in a command');
      }),
      uow.write(async (r) => {
        await r.cases.insert({ id: ids.next(), organisationId: 'missing', personId: 'missing', status: 'open', assignedUserId: null, openedAt: now, closedAt: null, createdAt: now, updatedAt: now, version: 1 });
        return ok('never');
      }),
      uow.write(insertOrg('kept-2')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect(results[1]).toEqual({ status: 'fulfilled', value: { ok: false, error: 'organisation.name_taken' } });
    const names = (await uow.read((r) => r.organisations.list({ scope: ALLOW_ALL, limit: 100 }))).items.map((o) => o.name);
    expect(names.sort()).toEqual(['kept-1', 'kept-2']);
    expect((await verifyAuditChain(store.db)).broken).toBeNull();
  });

  it('keeps every acknowledged write and a whole audit chain under many concurrent writers', async () => {
    const uow = createUnitOfWork(store, systemClock, ids, testCipher());
    const names = Array.from({ length: 600 }, (_, i) => `bulk-${i}`);
    const results = await Promise.all(names.map((n) => uow.write(insertOrg(n))));
    expect(results.every((r) => r.ok)).toBe(true);
    const stored = await store.db.selectFrom('organisations').select('name').where('name', 'like', 'bulk-%').execute();
    expect(stored).toHaveLength(600);
    const chain = await verifyAuditChain(store.db);
    expect(chain.broken).toBeNull();
    expect(chain.checked).toBe(602);
  });
});
