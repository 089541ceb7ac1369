import { ALLOW_ALL } from '../domain/policy/scope.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCipher, testKeyRing } from '../../test/cipher.js';
import { DIALECTS, freshTarget, type TestTarget } from '../../test/dialects.js';
import type { Person } from '../domain/persons/person.schema.js';
import { createIdGenerator, systemClock } from '../platform/system.js';
import { ok } from '../shared/result.js';
import { openStore, type Store } from './connect.js';
import { countRowsNotUnderCurrentKey, DataKeyMismatchError, prepareFieldEncryption, rewriteEncryptedFields } from './field-encryption.store.js';
import { migrateToLatest } from './migrate.js';
import { createUnitOfWork } from './unit-of-work.js';

const now = '2026-11-28T12:00:00.000Z';
const NAMES: ReadonlyArray<[string, string | null, string | null]> = [
  ['Selam', 'Tesfaye', '1999'],
  ['María José', 'Ramírez', '1988-11-02'],
  ['Oleksandr', null, null],
  ['Fatima', 'Al-Hassan', '2001-07'],
];

describe.each(DIALECTS)('encrypted fields and rotation on %s', (dialect) => {
  let target: TestTarget;
  let store: Store;
  const ids = createIdGenerator(systemClock);
  const oldRing = testKeyRing(1);
  const oldKey = oldRing.keys[0]!;
  const newKey = testKeyRing(1).keys[0]!;
  const rotatedRing = { currentId: newKey.id, keys: [oldKey, newKey] };
  const before = testCipher(oldRing);
  const after = testCipher(rotatedRing);
  let orgId: string;
  const personIds: string[] = [];
  const noteIds: string[] = [];

  const search = (cipher: typeof before, nameQuery: string) =>
    createUnitOfWork(store, systemClock, ids, cipher).read(async (r) => (await r.persons.list({ scope: ALLOW_ALL, now, nameQuery, limit: 50 })).items.map((p) => p.id));

  beforeAll(async () => {
    target = await freshTarget(dialect);
    store = openStore(target.target);
    await migrateToLatest(store.db);
    await prepareFieldEncryption(store.db, before, now);
    orgId = ids.next();
    const uow = createUnitOfWork(store, systemClock, ids, before);
    await uow.write(async (r) => {
      await r.organisations.insert({ id: orgId, name: 'Shelter', type: 'shelter', sector: 'service_provider', country: null, isDemo: false, createdAt: now });
      const caseId = ids.next();
      for (const [givenName, familyName, dateOfBirth] of NAMES) {
        const p: Person = { id: ids.next(), organisationId: orgId, givenName, familyName, sex: 'female', dateOfBirth, isDateOfBirthEstimated: false, nationality: 'ER', preferredLanguage: null, registeredBy: null, createdAt: now, updatedAt: now, version: 1 };
        await r.persons.insert(p);
        personIds.push(p.id);
      }
      await r.cases.insert({ id: caseId, organisationId: orgId, personId: personIds[0]!, status: 'open', assignedUserId: null, openedAt: now, closedAt: null, createdAt: now, updatedAt: now, version: 1 });
      for (const body of ['Arrived through the hotline.', 'Needs an interpreter (Tigrinya).']) {
        const id = ids.next();
        await r.notes.insert({ id, caseId, authorUserId: null, body, createdAt: now });
        noteIds.push(id);
      }
      return ok(undefined);
    });
  });
  afterAll(async () => {
    await store.close();
    await target.cleanup();
  });

  it('stores identity fields and notes as ciphertext only, and the name as word hashes', async () => {
    const rows = await store.db.selectFrom('persons').selectAll().execute();
    for (const row of rows) {
      expect(row.given_name).toMatch(new RegExp(`^v1\\.${oldKey.id}\\.`));
      for (const v of [row.family_name, row.date_of_birth]) if (v !== null) expect(v.startsWith('v1.')).toBe(true);
      expect(row.name_search).toBe('');
      expect(row.sex).toBe('female');
      expect(row.nationality).toBe('ER');
    }
    const notes = await store.db.selectFrom('case_notes').select('body').execute();
    expect(notes.every((n) => n.body.startsWith(`v1.${oldKey.id}.`))).toBe(true);
    const tokens = await store.db.selectFrom('person_name_tokens').selectAll().execute();
    expect(tokens).toHaveLength(2 + 3 + 1 + 3);
    const raw = JSON.stringify([rows, notes, tokens]).toLowerCase();
    for (const clear of ['selam', 'tesfaye', 'ramirez', 'ramírez', 'oleksandr', '1988-11-02', 'hotline', 'hassan']) expect(raw).not.toContain(clear);
  });

  it('finds people by whole name words, all of them', async () => {
    expect(await search(before, 'tesfaye selam')).toEqual([personIds[0]]);
    expect(await search(before, 'jose ramirez')).toEqual([personIds[1]]);
    expect(await search(before, 'al')).toEqual([personIds[3]]);
    for (const miss of ['tesfay', 'selam ramirez', 'oleks']) expect(await search(before, miss), miss).toEqual([]);
  });

  it('keeps search and reads working with the new ring before any row is rotated', async () => {
    expect(await search(after, 'selam')).toEqual([personIds[0]]);
    const person = await createUnitOfWork(store, systemClock, ids, after).read((r) => r.persons.findById(personIds[1]!));
    expect(person).toMatchObject({ givenName: 'María José', familyName: 'Ramírez', dateOfBirth: '1988-11-02' });
    expect(await countRowsNotUnderCurrentKey(store.db, after)).toBe(NAMES.length + noteIds.length);
  });

  it('rotates every value and name hash to the new key, in batches, and the data still reads', async () => {
    const progress: Array<[number, number]> = [];
    const report = await rewriteEncryptedFields(store.db, after, 'rotate', { batchSize: 2, onProgress: (d, t) => progress.push([d, t]) });
    // 4 given names, 3 family names, 3 birth dates (one person has neither), 2 notes.
    expect(report).toMatchObject({ persons: 4, notes: 2, values: 12, plaintextValues: 0, nameTokens: 9, conflicts: 0 });
    expect(report.batches).toBeGreaterThanOrEqual(5);
    expect(progress.at(-1)).toEqual([6, 6]);
    expect(await countRowsNotUnderCurrentKey(store.db, after)).toBe(0);

    const values = [
      ...(await store.db.selectFrom('persons').select(['given_name', 'family_name', 'date_of_birth']).execute()).flatMap((r) => [r.given_name, r.family_name, r.date_of_birth]),
      ...(await store.db.selectFrom('case_notes').select('body').execute()).map((r) => r.body),
    ].filter((v): v is string => v !== null);
    expect(values.every((v) => after.keyIdOf(v) === newKey.id)).toBe(true);
    expect(new Set((await store.db.selectFrom('person_name_tokens').select('key_id').execute()).map((t) => t.key_id))).toEqual(new Set([newKey.id]));

    const onlyNew = testCipher({ currentId: newKey.id, keys: [newKey] });
    const read = await createUnitOfWork(store, systemClock, ids, onlyNew).read(async (r) => ({
      people: await Promise.all(personIds.map((id) => r.persons.findById(id))),
      notes: await r.notes.listForCase((await r.cases.list({ scope: ALLOW_ALL, now, limit: 1 })).items[0]!.id, { limit: 10 }),
    }));
    expect(read.people.map((p) => [p?.givenName, p?.familyName, p?.dateOfBirth])).toEqual(NAMES);
    expect(read.notes.items.map((n) => n.body).sort()).toEqual(['Arrived through the hotline.', 'Needs an interpreter (Tigrinya).']);
    expect(await search(onlyNew, 'jose ramirez')).toEqual([personIds[1]]);
    // A second rotation to the same key has nothing left to do.
    expect(await rewriteEncryptedFields(store.db, after, 'rotate')).toMatchObject({ persons: 0, notes: 0 });
  });

  it('refuses to start with a key ring that cannot read the database', async () => {
    await expect(prepareFieldEncryption(store.db, testCipher(), now)).rejects.toThrow(DataKeyMismatchError);
    await expect(prepareFieldEncryption(store.db, testCipher(), now)).rejects.toThrow(/cannot decrypt this database, whose data is under key k/);
    await expect(prepareFieldEncryption(store.db, after, now)).resolves.toBeUndefined();
  });
});
