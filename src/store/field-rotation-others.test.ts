import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCipher, testKeyRing } from '../../test/cipher.js';
import { DIALECTS, freshTarget, type TestTarget } from '../../test/dialects.js';
import { createIdGenerator, systemClock } from '../platform/system.js';
import { ok } from '../shared/result.js';
import { openStore, type Store } from './connect.js';
import { countRowsNotUnderCurrentKey, rewriteEncryptedFields } from './field-encryption.store.js';
import { migrateToLatest } from './migrate.js';
import { createUnitOfWork } from './unit-of-work.js';

const now = '2026-11-28T12:00:00.000Z';

describe.each(DIALECTS)('key rotation of TOTP secrets and grant free text on %s', (dialect) => {
  let target: TestTarget;
  let store: Store;
  const ids = createIdGenerator(systemClock);
  const oldKey = testKeyRing(1).keys[0]!;
  const newKey = testKeyRing(1).keys[0]!;
  const before = testCipher({ currentId: oldKey.id, keys: [oldKey] });
  const after = testCipher({ currentId: newKey.id, keys: [oldKey, newKey] });
  const onlyNew = testCipher({ currentId: newKey.id, keys: [newKey] });
  const userId = ids.next();
  const grantId = ids.next();

  beforeAll(async () => {
    target = await freshTarget(dialect);
    store = openStore(target.target);
    await migrateToLatest(store.db);
    await createUnitOfWork(store, systemClock, ids, before).write(async (r) => {
      const orgId = ids.next();
      await r.organisations.insert({ id: orgId, name: 'Shelter', type: 'shelter', sector: 'service_provider', country: null, isDemo: false, createdAt: now });
      await r.users.insert({ id: userId, organisationId: orgId, username: 'jonas', displayName: 'J', role: 'supervisor', isDisabled: false, isDemo: false, createdAt: now, passwordHash: 'x' });
      await r.users.setTotpPending(userId, 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
      const personId = ids.next();
      await r.persons.insert({ id: personId, organisationId: orgId, givenName: 'Selam', familyName: null, sex: 'female', dateOfBirth: null, isDateOfBirthEstimated: false, nationality: null, preferredLanguage: null, registeredBy: null, createdAt: now, updatedAt: now, version: 1 });
      const caseId = ids.next();
      await r.cases.insert({ id: caseId, organisationId: orgId, personId, status: 'open', assignedUserId: null, openedAt: now, closedAt: null, createdAt: now, updatedAt: now, version: 1 });
      await r.grants.insert({
        id: grantId, caseId, kind: 'break_glass', granteeOrganisationId: null, granteeUserId: userId, purpose: null, categories: ['case'], reference: null,
        consentGivenBy: null, explainedInLanguage: null, isInterpreterUsed: null, childViews: 'She wants her sister told', reason: 'Night emergency, in danger',
        durationMinutes: 60, createdBy: userId, createdAt: now, approvedBy: null, approvedAt: null, expiresAt: '2099-01-01T00:00:00.000Z', revokedAt: null, revokedBy: null, revocationReason: null,
      });
      return ok(undefined);
    });
  });
  afterAll(async () => {
    await store.close();
    await target.cleanup();
  });

  it('moves them to the new key with everything else, and they still read', async () => {
    expect(await countRowsNotUnderCurrentKey(store.db, after)).toBe(3); // the person, the user, the grant
    const report = await rewriteEncryptedFields(store.db, after, 'rotate', { batchSize: 1 });
    expect(report).toMatchObject({ persons: 1, values: 1 + 1 + 2, conflicts: 0 });
    expect(await countRowsNotUnderCurrentKey(store.db, after)).toBe(0);
    const read = await createUnitOfWork(store, systemClock, ids, onlyNew).read(async (r) => ({ totp: await r.users.findTotp(userId), grant: await r.grants.findById(grantId) }));
    expect(read.totp?.secret).toBe('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
    expect(read.grant).toMatchObject({ childViews: 'She wants her sister told', reason: 'Night emergency, in danger' });
  });
});
