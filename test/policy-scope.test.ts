import { encryptField } from '../src/store/field-codec.js';
import { testCipher } from './cipher.js';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor, UserActor } from '../src/domain/actor.js';
import { ORGANISATION_TYPES, sectorOf, type OrganisationType } from '../src/domain/orgs/org.schema.js';
import { scopeFor } from '../src/domain/policy/access.js';
import { caseEntity, organisationEntity, personEntity, principalOf, type ActionName, type PolicyEntity } from '../src/domain/policy/policy.model.js';
import { ROLES, type Role } from '../src/domain/users/user.schema.js';
import { createCedarPolicyEngine, loadPolicySource } from '../src/platform/cedar-policy.js';
import { createIdGenerator, systemClock } from '../src/platform/system.js';
import { openStore, type Store } from '../src/store/connect.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { createUnitOfWork } from '../src/store/unit-of-work.js';
import { ok } from '../src/shared/result.js';
import { mayOnCase } from '../src/domain/cases/case.access.js';
import { grantedAccess } from '../src/domain/grants/grant.rules.js';
import type { AccessGrant } from '../src/domain/grants/grant.schema.js';
import { DIALECTS, freshTarget, type TestTarget } from './dialects.js';

const policy = createCedarPolicyEngine(loadPolicySource());
const cipher = testCipher();
const now = '2026-11-28T12:00:00.000Z';

interface World {
  orgs: Array<{ id: string; type: OrganisationType }>;
  users: Array<{ id: string; org: number; role: Role }>;
  persons: Array<{ id: string; org: number; registeredBy: number | null }>;
  cases: Array<{ id: string; person: number; assignee: number | null }>;
  grants: AccessGrant[];
  shares: Array<{ case: number; user: number }>;
}

interface GrantSeed {
  case: number;
  kind: 'consent' | 'legal_order' | 'break_glass';
  org: number;
  user: number;
  categories: string[];
  isExpired: boolean;
  isRevoked: boolean;
  isApproved: boolean;
}

/** Small random deployments: a handful of organisations of any type, users of any role, people and cases. */
const worldArb: fc.Arbitrary<World> = fc
  .record({
    orgTypes: fc.array(fc.constantFrom(...ORGANISATION_TYPES), { minLength: 1, maxLength: 5 }),
    users: fc.array(fc.record({ org: fc.nat(), role: fc.constantFrom(...ROLES) }), { minLength: 1, maxLength: 8 }),
    persons: fc.array(fc.record({ org: fc.nat(), registeredBy: fc.option(fc.nat(), { nil: null }) }), { maxLength: 10 }),
    cases: fc.array(fc.record({ person: fc.nat(), assignee: fc.option(fc.nat(), { nil: null }) }), { maxLength: 14 }),
    grants: fc.array(
      fc.record({
        case: fc.nat(),
        kind: fc.constantFrom('consent' as const, 'legal_order' as const, 'break_glass' as const),
        org: fc.nat(),
        user: fc.nat(),
        categories: fc.subarray(['case', 'notes', 'identity'], { minLength: 1 }),
        isExpired: fc.boolean(),
        isRevoked: fc.boolean(),
        isApproved: fc.boolean(),
      }),
      { maxLength: 8 },
    ),
    shares: fc.array(fc.record({ case: fc.nat(), user: fc.nat() }), { maxLength: 6 }),
  })
  .map(({ orgTypes, users, persons, cases, grants, shares }) => {
    const orgs = orgTypes.map((type, i) => ({ id: `00000000-0000-7000-8000-${String(i).padStart(12, '0')}`, type }));
    const u = users.map((x, i) => ({ id: `00000000-0000-7000-9000-${String(i).padStart(12, '0')}`, org: x.org % orgs.length, role: x.role }));
    const p = persons.map((x, i) => ({ id: `00000000-0000-7000-a000-${String(i).padStart(12, '0')}`, org: x.org % orgs.length, registeredBy: x.registeredBy === null ? null : x.registeredBy % u.length }));
    const c = p.length === 0 ? [] : cases.map((x, i) => ({ id: `00000000-0000-7000-b000-${String(i).padStart(12, '0')}`, person: x.person % p.length, assignee: x.assignee === null ? null : x.assignee % u.length }));
    const g = c.length === 0 ? [] : grants.map((x: GrantSeed, i): AccessGrant => ({
      id: `00000000-0000-7000-c000-${String(i).padStart(12, '0')}`,
      caseId: c[x.case % c.length]!.id,
      kind: x.kind,
      granteeOrganisationId: x.kind === 'break_glass' ? null : orgs[x.org % orgs.length]!.id,
      granteeUserId: x.kind === 'break_glass' ? u[x.user % u.length]!.id : null,
      purpose: 'prosecution',
      categories: x.categories,
      reference: null,
      consentGivenBy: null,
      explainedInLanguage: null,
      isInterpreterUsed: null,
      childViews: null,
      reason: null,
      durationMinutes: null,
      createdBy: null,
      createdAt: now,
      approvedBy: null,
      approvedAt: x.isApproved ? now : null,
      expiresAt: x.isExpired ? '2026-01-01T00:00:00.000Z' : '2099-01-01T00:00:00.000Z',
      revokedAt: x.isRevoked ? now : null,
      revokedBy: null,
      revocationReason: null,
    }));
    const s = c.length === 0 ? [] : [...new Map(shares.map((x) => [`${x.case % c.length}:${x.user % u.length}`, { case: x.case % c.length, user: x.user % u.length }])).values()];
    return { orgs, users: u, persons: p, cases: c, grants: g, shares: s };
  });

describe.each(DIALECTS)('policy list filters on %s', (dialect) => {
  let target: TestTarget;
  let store: Store;

  beforeAll(async () => {
    target = await freshTarget(dialect);
    store = openStore(target.target);
    await migrateToLatest(store.db);
  });
  afterAll(async () => {
    await store.close();
    await target.cleanup();
  });

  async function load(world: World): Promise<void> {
    for (const table of ['case_shares', 'access_grants', 'cases', 'persons', 'users', 'organisations'] as const) await sql`delete from ${sql.table(table)}`.execute(store.db);
    const db = store.db;
    for (const o of world.orgs) await db.insertInto('organisations').values({ id: o.id, name: o.id, type: o.type, country: null, is_demo: 0, created_at: now }).execute();
    for (const u of world.users) {
      await db.insertInto('users').values({ id: u.id, organisation_id: world.orgs[u.org]!.id, username: u.id, display_name: u.id, role: u.role, password_hash: 'x', is_disabled: 0, is_demo: 0, locked_until: null, password_changed_at: now, created_at: now }).execute();
    }
    for (const p of world.persons) {
      await db.insertInto('persons').values({ id: p.id, organisation_id: world.orgs[p.org]!.id, given_name: encryptField(cipher, 'persons', 'given_name', p.id, 'X'), family_name: null, name_search: 'x', sex: 'unknown', date_of_birth: null, is_date_of_birth_estimated: 0, nationality: null, preferred_language: null, created_by: p.registeredBy === null ? null : world.users[p.registeredBy]!.id, created_at: now, updated_at: now, version: 1 }).execute();
    }
    for (const c of world.cases) {
      const person = world.persons[c.person]!;
      await db.insertInto('cases').values({ id: c.id, organisation_id: world.orgs[person.org]!.id, person_id: person.id, status: 'open', assigned_user_id: c.assignee === null ? null : world.users[c.assignee]!.id, opened_at: now, closed_at: null, created_at: now, updated_at: now, version: 1 }).execute();
    }
    const uow = createUnitOfWork(store, systemClock, createIdGenerator(systemClock), cipher);
    for (const g of world.grants) await uow.write(async (r) => ok(await r.grants.insert(g)));
    for (const sh of world.shares) await uow.write(async (r) => ok(await r.cases.share(world.cases[sh.case]!.id, world.users[sh.user]!.id, null, now)));
  }

  /** The record ids the policy allows one by one: what the SQL filter must return, no more, no fewer. */
  function allowed(actor: Actor, action: ActionName, records: Array<{ id: string; entities: PolicyEntity[] }>): string[] {
    const principal = principalOf(actor);
    if (!principal) return [];
    return records
      .filter((r) => policy.isAllowed({ principal: principal.ref, action, resource: r.entities[0]!.ref, entities: [...principal.entities, ...r.entities] }))
      .map((r) => r.id)
      .sort();
  }

  it('returns exactly the records the per-record decision allows, for every user of random deployments', async () => {
    const uow = createUnitOfWork(store, systemClock, createIdGenerator(systemClock), cipher);
    await fc.assert(
      fc.asyncProperty(worldArb, async (world) => {
        await load(world);
        const orgType = (i: number) => world.orgs[i]!.type;
        const caseRecords = world.cases.map((c) => {
          const person = world.persons[c.person]!;
          const access = grantedAccess(world.grants.filter((g) => g.caseId === c.id), now);
          const sharedWith = world.shares.filter((sh) => world.cases[sh.case]!.id === c.id).map((sh) => world.users[sh.user]!.id);
          return { id: c.id, entities: caseEntity({ id: c.id, organisationId: world.orgs[person.org]!.id, assignedUserId: c.assignee === null ? null : world.users[c.assignee]!.id, sharedWith }, orgType(person.org), access) };
        });
        const personRecords = world.persons.map((p, pi) => {
          const sharing = world.shares.filter((sh) => world.cases[sh.case]!.person === pi).map((sh) => world.users[sh.user]!.id);
          const assignees = [...new Set([...world.cases.filter((c) => c.person === pi && c.assignee !== null).map((c) => world.users[c.assignee!]!.id), ...sharing])];
          const caseIds = new Set(world.cases.filter((c) => c.person === pi).map((c) => c.id));
          const access = grantedAccess(world.grants.filter((g) => caseIds.has(g.caseId)), now);
          return { id: p.id, entities: personEntity({ id: p.id, organisationId: world.orgs[p.org]!.id, registeredBy: p.registeredBy === null ? null : world.users[p.registeredBy]!.id }, orgType(p.org), assignees, access) };
        });
        const orgRecords = world.orgs.map((o) => ({ id: o.id, entities: [organisationEntity(o)] }));
        const actors: Actor[] = [
          { kind: 'system', name: 'cli:test', requestId: 'r', purpose: 'administration' },
          ...world.users.map((u): UserActor => ({ kind: 'user', userId: u.id, organisationId: world.orgs[u.org]!.id, organisationType: orgType(u.org), role: u.role, sessionId: 's', requestId: 'r', purpose: 'case_management' })),
        ];
        for (const actor of actors) {
          const notes = allowed(actor, 'case.note.read', caseRecords);
          for (const c of caseRecords) {
            const mayRead = await uow.write(async (r) => {
              const found = await r.cases.findById(c.id);
              return ok(found !== undefined && (await mayOnCase(r, { policy, now }, actor, 'case.note.read', found)));
            });
            // The command path (grants loaded from the store) agrees with the entities built from the world.
            expect(mayRead.ok && mayRead.value).toBe(notes.includes(c.id));
          }
          const cases = await uow.read((r) => r.cases.list({ scope: scopeFor(policy, actor, 'case.list', 'Case'), now, limit: 100 }));
          expect(cases.items.map((c) => c.id).sort()).toEqual(allowed(actor, 'case.list', caseRecords));
          const persons = await uow.read((r) => r.persons.list({ scope: scopeFor(policy, actor, 'person.list', 'Person'), now, limit: 100 }));
          expect(persons.items.map((p) => p.id).sort()).toEqual(allowed(actor, 'person.list', personRecords));
          const organisations = await uow.read((r) => r.organisations.list({ scope: scopeFor(policy, actor, 'organisation.list', 'Organisation'), limit: 100 }));
          expect(organisations.items.map((o) => o.id).sort()).toEqual(allowed(actor, 'organisation.list', orgRecords));
          const users = await uow.read((r) => r.users.list({ scope: scopeFor(policy, actor, 'user.list', 'Organisation'), limit: 100 }));
          const listableOrgs = new Set(allowed(actor, 'user.list', orgRecords));
          expect(users.items.map((u) => u.id).sort()).toEqual(world.users.filter((u) => listableOrgs.has(world.orgs[u.org]!.id)).map((u) => u.id).sort());
        }
        return ok(undefined).ok;
      }),
      { numRuns: dialect === 'sqlite' ? 40 : 15 },
    );
    // Guard against a vacuous pass: the generated worlds do exercise both sectors the firewall separates.
    expect(sectorOf('shelter')).toBe('service_provider');
  });
});
