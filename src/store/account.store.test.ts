import { testCipher } from '../../test/cipher.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, freshTarget, type TestTarget } from '../../test/dialects.js';
import { createIdGenerator, systemClock } from '../platform/system.js';
import { ok } from '../shared/result.js';
import { openStore, type Store } from './connect.js';
import { migrateToLatest } from './migrate.js';
import { createUnitOfWork } from './unit-of-work.js';

const now = '2026-11-28T12:00:00.000Z';

describe.each(DIALECTS)('account-security storage on %s', (dialect) => {
  let target: TestTarget;
  let store: Store;
  const ids = createIdGenerator(systemClock);
  const cipher = testCipher();
  const uow = () => createUnitOfWork(store, systemClock, ids, cipher);
  const userId = ids.next();

  beforeAll(async () => {
    target = await freshTarget(dialect);
    store = openStore(target.target);
    await migrateToLatest(store.db);
    const orgId = ids.next();
    await uow().write(async (r) => {
      await r.organisations.insert({ id: orgId, name: 'Police', type: 'police', sector: 'criminal_justice', country: null, isDemo: false, createdAt: now });
      await r.users.insert({ id: userId, organisationId: orgId, username: 'claire', displayName: 'Claire', role: 'caseworker', isDisabled: false, isDemo: false, createdAt: now, passwordHash: 'h' });
      return ok(undefined);
    });
  });
  afterAll(async () => {
    await store.close();
    await target.cleanup();
  });

  it('keeps a TOTP enrolment pending until enabled, and clears it', async () => {
    const users = () => uow().read((r) => r.users.findTotp(userId));
    expect(await users()).toEqual({ secret: null, enabledAt: null, lastStep: null });
    await uow().write(async (r) => ok(await r.users.setTotpPending(userId, 'JBSWY3DPEHPK3PXP')));
    expect(await users()).toEqual({ secret: 'JBSWY3DPEHPK3PXP', enabledAt: null, lastStep: null });
    await uow().write(async (r) => ok(await r.users.enableTotp(userId, now, 59_000_000)));
    expect(await users()).toEqual({ secret: 'JBSWY3DPEHPK3PXP', enabledAt: now, lastStep: 59_000_000 });
    await uow().write(async (r) => ok(await r.users.clearTotp(userId)));
    expect(await users()).toEqual({ secret: null, enabledAt: null, lastStep: null });
  });

  it('accepts each time step once, and only forward, even when two requests race with the same code', async () => {
    const repos = () => uow().read(async (r) => r.users);
    const users = await repos();
    const raced = await Promise.all([users.consumeTotpStep(userId, 100), users.consumeTotpStep(userId, 100), users.consumeTotpStep(userId, 100)]);
    expect(raced.filter(Boolean)).toHaveLength(1);
    expect(await users.consumeTotpStep(userId, 99)).toBe(false);
    expect(await users.consumeTotpStep(userId, 101)).toBe(true);
    expect((await uow().read((r) => r.users.findTotp(userId)))?.lastStep).toBe(101);
  });

  it('changes a display name and a role', async () => {
    expect(await uow().read((r) => r.users.update(userId, { role: 'supervisor', displayName: 'Claire B.' }))).toBe(true);
    expect(await uow().read((r) => r.users.findById(userId))).toMatchObject({ role: 'supervisor', displayName: 'Claire B.' });
    expect(await uow().read((r) => r.users.update(ids.next(), { role: 'caseworker' }))).toBe(false);
  });

  it('stores what a session proved, lists the open ones, and counts the ones it ends', async () => {
    const base = { userId, csrfToken: 'c', createdAt: now, lastSeenAt: now, revokedAt: null };
    const open = { ...base, id: ids.next(), expiresAt: '2999-01-01T00:00:00.000Z', assurance: 'totp' as const };
    const expired = { ...base, id: ids.next(), expiresAt: '2000-01-01T00:00:00.000Z', assurance: 'password' as const };
    const other = { ...base, id: ids.next(), expiresAt: '2999-01-01T00:00:00.000Z', assurance: 'password' as const };
    await uow().write(async (r) => {
      for (const s of [open, expired, other]) await r.sessions.insert({ ...s, tokenHash: `hash-${s.id}` });
      return ok(undefined);
    });
    expect(await uow().read((r) => r.sessions.findById(open.id))).toEqual(open);
    const listed = await uow().read((r) => r.sessions.listOpenForUser(userId, now, 10));
    expect(listed.map((s) => s.id)).toEqual([other.id, open.id]);
    expect((await uow().read((r) => r.sessions.findContext(`hash-${open.id}`)))?.session.assurance).toBe('totp');
    const ended = await uow().write(async (r) => ok(await r.sessions.revokeAllForUser(userId, now, open.id)));
    // Only `other`: `open` is spared, and the expired one was over already.
    expect(ended).toEqual({ ok: true, value: 1 });
    expect((await uow().read((r) => r.sessions.listOpenForUser(userId, now, 10))).map((s) => s.id)).toEqual([open.id]);
  });
});
