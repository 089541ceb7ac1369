import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { getPerson, listPersons } from '../src/domain/persons/person.commands.js';
import { listCaseNotes } from '../src/domain/cases/note.commands.js';
import { createLogger } from '../src/log/logger.js';
import { recentAuditEvents } from '../src/store/audit.store.js';
import { openStore } from '../src/store/connect.js';
import { migrateTo } from '../src/store/migrate.js';
import { actorFor } from './app.js';
import { randomDataKey } from './cipher.js';
import { DIALECTS, freshTarget, type TestTarget } from './dialects.js';
import { containsText, sqliteFileBytes } from './files.js';

const now = '2026-11-20T09:00:00.000Z';
const ORG = '0193a0b1-0000-7000-8000-0000000000a1';
const USER = '0193a0b1-0000-7000-8000-0000000000b1';
const LEGACY = [
  { id: '0193a0b1-0000-7000-8000-000000000001', given: 'Legacyselam', family: 'Legacytesfaye', dob: '1999-05-06' },
  { id: '0193a0b1-0000-7000-8000-000000000002', given: 'Legacymaria', family: null, dob: null },
  // A plaintext value that merely starts like the ciphertext format must be sealed too, not mistaken for one.
  { id: '0193a0b1-0000-7000-8000-000000000003', given: 'v1. Legacyodd', family: 'Legacyodd', dob: '1979' },
];
const CASE = '0193a0b1-0000-7000-8000-0000000000c1';
const NOTE = { id: '0193a0b1-0000-7000-8000-0000000000d1', body: 'Legacy note: met Legacyselam at the port' };
const CLEAR = ['Legacyselam', 'legacyselam', 'Legacytesfaye', 'legacytesfaye', '1999-05-06', 'Legacymaria', 'legacymaria', 'Legacyodd', 'legacyodd', 'Legacy note'];

/** A database as the foundation release left it: identity fields and the search column in clear. */
async function createLegacyDatabase(target: TestTarget): Promise<void> {
  const store = openStore(target.target);
  try {
    await migrateTo(store.db, '2026_11_28_1700_foundation');
    await store.db.insertInto('organisations').values({ id: ORG, name: 'Legacy Shelter', type: 'shelter', country: null, is_demo: 0, created_at: now }).execute();
    await store.db
      .insertInto('users')
      .values({ id: USER, organisation_id: ORG, username: 'legacy.worker', display_name: 'Worker', role: 'supervisor', password_hash: 'x', is_disabled: 0, is_demo: 0, locked_until: null, password_changed_at: now, created_at: now })
      .execute();
    for (const p of LEGACY) {
      await store.db
        .insertInto('persons')
        .values({ id: p.id, organisation_id: ORG, given_name: p.given, family_name: p.family, name_search: `${p.given} ${p.family ?? ''}`.toLowerCase(), sex: 'female', date_of_birth: p.dob, is_date_of_birth_estimated: 0, nationality: 'ER', preferred_language: null, created_at: now, updated_at: now, version: 3 })
        .execute();
    }
    await store.db.insertInto('cases').values({ id: CASE, organisation_id: ORG, person_id: LEGACY[0]!.id, status: 'open', assigned_user_id: USER, opened_at: now, closed_at: null, created_at: now, updated_at: now, version: 1 }).execute();
    await store.db.insertInto('case_notes').values({ id: NOTE.id, case_id: CASE, author_user_id: USER, body: NOTE.body, created_at: now }).execute();
  } finally {
    await store.close();
  }
}

describe.each(DIALECTS)('upgrading a database with plaintext identity fields on %s', (dialect) => {
  let target: TestTarget;
  let app: App;
  const dataKey = randomDataKey();
  const config = loadConfig({ NODE_ENV: 'test', OPENNRM_SESSION_SECRET: 'x'.repeat(40), OPENNRM_DATA_KEY: dataKey, LOG_LEVEL: 'silent' });
  const open = (key = config) => openApp(key, { logger: createLogger({ level: 'silent' }), storeTarget: target.target });
  const actor = actorFor(
    { id: USER, organisationId: ORG, username: 'legacy.worker', displayName: 'Worker', role: 'supervisor', isDisabled: false, isDemo: false, createdAt: now },
    { id: ORG, name: 'Legacy Shelter', type: 'shelter', sector: 'service_provider', country: null, isDemo: false, createdAt: now },
  );

  beforeAll(async () => {
    target = await freshTarget(dialect);
    await createLegacyDatabase(target);
  });
  afterAll(async () => {
    await app?.close();
    await target.cleanup();
  });

  it.runIf(dialect === 'sqlite')('starts from files that hold the names in clear (so the check below means something)', async () => {
    const store = openStore(target.target);
    try {
      const bytes = await sqliteFileBytes(store);
      expect(containsText(bytes, 'Legacytesfaye')).toBe(true);
      expect(containsText(bytes, 'legacyselam legacytesfaye')).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('encrypts every plaintext value at start-up, clears the old search column and builds the name index', async () => {
    app = await open();
    const persons = await app.store.db.selectFrom('persons').selectAll().orderBy('id').execute();
    for (const row of persons) {
      for (const value of [row.given_name, row.family_name, row.date_of_birth]) if (value !== null) expect(app.cipher.isCiphertext(value)).toBe(true);
      expect(row.name_search).toBe('');
      expect(row.version).toBe(3);
    }
    const [note] = await app.store.db.selectFrom('case_notes').select('body').execute();
    expect(app.cipher.isCiphertext(note?.body ?? '')).toBe(true);
    expect(await app.store.db.selectFrom('person_name_tokens').select('token_hash').execute()).toHaveLength(2 + 1 + 2); // 'v1 legacyodd legacyodd' has two distinct words
    const [event] = await recentAuditEvents(app.store.db, 1);
    expect(event).toMatchObject({ action: 'keys.seal_plaintext', actorName: 'opennrm:start-up', recordId: app.cipher.currentKeyId });
    expect(JSON.parse(event?.details ?? '{}')).toEqual({ persons: 3, notes: 1, values: 8, nameTokens: 5 });
  });

  it('reads and searches the upgraded records through the domain as before', async () => {
    const person = await getPerson(app.deps, actor, LEGACY[0]!.id);
    expect(person.ok && person.value).toMatchObject({ givenName: 'Legacyselam', familyName: 'Legacytesfaye', dateOfBirth: '1999-05-06', version: 3 });
    const odd = await getPerson(app.deps, actor, LEGACY[2]!.id);
    expect(odd.ok && odd.value.givenName).toBe('v1. Legacyodd');
    const found = await listPersons(app.deps, actor, { q: 'LEGACYTESFAYE legacyselam', limit: 10 });
    expect(found.ok && found.value.items.map((p) => p.id)).toEqual([LEGACY[0]!.id]);
    const notes = await listCaseNotes(app.deps, actor, CASE, { limit: 10 });
    expect(notes.ok && notes.value.items.map((n) => n.body)).toEqual([NOTE.body]);
  });

  it.runIf(dialect === 'sqlite')('leaves no plaintext identity in the database files', async () => {
    const bytes = await sqliteFileBytes(app.store);
    for (const clear of CLEAR) expect(containsText(bytes, clear), clear).toBe(false);
  });

  it('seals once: a restart finds nothing to do, and a different key is refused at start-up', async () => {
    await app.close();
    app = await open();
    expect((await recentAuditEvents(app.store.db, 1))[0]?.action).not.toBe('keys.seal_plaintext');
    await app.close();
    const otherKey = loadConfig({ NODE_ENV: 'test', OPENNRM_SESSION_SECRET: 'x'.repeat(40), OPENNRM_DATA_KEY: randomDataKey(), LOG_LEVEL: 'silent' });
    await expect(open(otherKey)).rejects.toThrow(/cannot decrypt this database/);
    app = await open();
  });
});
