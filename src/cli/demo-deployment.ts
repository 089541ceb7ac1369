import type { App } from '../app.js';
import type { SystemActor } from '../domain/actor.js';
import { provisionDemoSecondFactor } from '../domain/auth/second-factor.commands.js';
import { isSecondFactorRequired } from '../domain/auth/second-factor.rules.js';
import { openCase } from '../domain/cases/case.commands.js';
import { addCaseNote } from '../domain/cases/note.commands.js';
import { updateCase } from '../domain/cases/case.commands.js';
import type { UserActor } from '../domain/actor.js';
import { createOrganisation } from '../domain/orgs/org.commands.js';
import type { Organisation, OrganisationType } from '../domain/orgs/org.schema.js';
import type { PersonInput } from '../domain/persons/person.schema.js';
import { createUser } from '../domain/users/user.commands.js';
import type { Role, User } from '../domain/users/user.schema.js';
import { ok, type Result } from '../shared/result.js';
import type { ErrorCode } from '../shared/errors.js';
import { uuidv7 } from '../shared/ids.js';
import { ALLOW_ALL } from '../domain/policy/scope.js';

/** Every demo account has this password. The deployment is marked as a demo in its metadata and names. */
export const DEMO_PASSWORD = 'opennrm-demo-2026';

/**
 * The one TOTP secret of every demo account that needs a second factor: published (banner, README), so anybody
 * can sign in to the demo with any authenticator app or with `opennrm demo code <username>`. Base32 for
 * "DEMO" over and over: 160 bits that nobody could mistake for a real secret.
 */
export const DEMO_TOTP_SECRET = 'DEMODEMODEMODEMODEMODEMODEMODEMO';

const ORGANISATIONS: ReadonlyArray<{ key: string; name: string; type: OrganisationType }> = [
  { key: 'shelter', name: 'DEMO Safe Harbour Shelter', type: 'shelter' },
  { key: 'inspection', name: 'DEMO Labour Inspectorate', type: 'labour_inspection' },
  { key: 'police', name: 'DEMO Police Anti-Trafficking Unit', type: 'police' },
  { key: 'prosecution', name: 'DEMO Public Prosecutor', type: 'prosecution' },
  { key: 'border', name: 'DEMO Border and Immigration Agency', type: 'immigration' },
  { key: 'coordinator', name: 'DEMO National Coordinator', type: 'national_coordinator' },
  { key: 'statistics', name: 'DEMO National Statistics Office', type: 'statistics_office' },
];

const DEMO_USER_LIST: ReadonlyArray<{ username: string; displayName: string; role: Role; org: string }> = [
  { username: 'demo.caseworker', displayName: 'Amina (demo caseworker)', role: 'caseworker', org: 'shelter' },
  { username: 'demo.supervisor', displayName: 'Jonas (demo supervisor)', role: 'supervisor', org: 'shelter' },
  { username: 'demo.orgadmin', displayName: 'Lucía (demo organisation admin)', role: 'org_admin', org: 'shelter' },
  { username: 'demo.inspector', displayName: 'Tomasz (demo labour inspector)', role: 'caseworker', org: 'inspection' },
  { username: 'demo.police', displayName: 'Claire (demo police officer)', role: 'caseworker', org: 'police' },
  { username: 'demo.prosecutor', displayName: 'Ahmed (demo prosecutor)', role: 'caseworker', org: 'prosecution' },
  { username: 'demo.border', displayName: 'Pieter (demo border officer)', role: 'caseworker', org: 'border' },
  { username: 'demo.analyst', displayName: 'Mei (demo analyst)', role: 'analyst', org: 'statistics' },
  { username: 'demo.dpo', displayName: 'Grace (demo data protection officer)', role: 'dpo', org: 'coordinator' },
  { username: 'demo.sysadmin', displayName: 'Sam (demo system admin)', role: 'system_admin', org: 'coordinator' },
];

/**
 * The demo accounts, and whether each signs in with a second factor: those the default rule requires it of
 * (second-factor.rules.ts), whatever OPENNRM_TOTP_REQUIRED says, so the demo behaves as the README describes.
 */
export const DEMO_USERS: ReadonlyArray<{ username: string; displayName: string; role: Role; org: string; hasTotp: boolean }> = DEMO_USER_LIST.map((u) => {
  const type = ORGANISATIONS.find((o) => o.key === u.org)?.type;
  if (!type) throw new Error(`demo organisation ${u.org} missing`);
  return { ...u, hasTotp: isSecondFactorRequired(u, type, 'default') };
});

/** Fictitious people. Any resemblance to a real person is accidental. */
const PEOPLE: ReadonlyArray<{ person: PersonInput; note: string; status?: 'follow_up' | 'closed_referred' }> = [
  { person: { givenName: 'Selam', familyName: 'Tesfaye', sex: 'female', dateOfBirth: '1999', isDateOfBirthEstimated: true, nationality: 'ER', preferredLanguage: 'ti' }, note: 'Fictitious demo case. Arrived through the hotline; needs interpretation into Tigrinya.' },
  { person: { givenName: 'Nguyen', familyName: 'Van An', sex: 'male', dateOfBirth: '2008-03', isDateOfBirthEstimated: false, nationality: 'VN', preferredLanguage: 'vi' }, note: 'Fictitious demo case. Age to be confirmed: treated as a child until then.', status: 'follow_up' },
  { person: { givenName: 'María José', familyName: 'Ramírez', sex: 'female', dateOfBirth: '1988-11-02', isDateOfBirthEstimated: false, nationality: 'PY', preferredLanguage: 'es' }, note: 'Fictitious demo case. Referred to legal aid.', status: 'closed_referred' },
  { person: { givenName: 'Oleksandr', familyName: 'Kovalenko', sex: 'male', dateOfBirth: '1979', isDateOfBirthEstimated: true, nationality: 'UA', preferredLanguage: 'uk' }, note: 'Fictitious demo case. Met during a labour inspection on a farm.' },
  { person: { givenName: 'Fatima', familyName: 'Al-Hassan', sex: 'female', dateOfBirth: '2001-07-15', isDateOfBirthEstimated: false, nationality: 'SY', preferredLanguage: 'ar' }, note: 'Fictitious demo case. Prefers a female caseworker.' },
];

export interface DemoSummary {
  readonly organisations: readonly Organisation[];
  readonly users: readonly User[];
  readonly cases: number;
}

function unwrap<T>(result: Result<T, ErrorCode>, what: string): T {
  if (!result.ok) throw new Error(`demo deployment: could not create ${what}: ${result.error}`);
  return result.value;
}

/** True when the database holds no organisation yet (a fresh deployment). */
export async function isEmptyDeployment(app: App): Promise<boolean> {
  const page = await app.deps.uow.read((r) => r.organisations.list({ scope: ALLOW_ALL, limit: 1 }));
  return page.items.length === 0;
}

/**
 * Creates the demo deployment through the same commands as the API, so it is audited like any other write.
 * Refused in production mode.
 */
export async function createDemoDeployment(app: App, actor: SystemActor): Promise<DemoSummary> {
  if (app.config.mode === 'production') throw new Error('the demo deployment is never created in production mode');
  const orgs = new Map<string, Organisation>();
  for (const o of ORGANISATIONS) {
    orgs.set(o.key, unwrap(await createOrganisation(app.deps, actor, { name: o.name, type: o.type, country: 'ZZ' }, { isDemo: true }), o.name));
  }
  const users: User[] = [];
  for (const u of DEMO_USERS) {
    const org = orgs.get(u.org);
    if (!org) throw new Error(`demo organisation ${u.org} missing`);
    const user = unwrap(await createUser(app.deps, actor, { organisationId: org.id, username: u.username, displayName: u.displayName, role: u.role, password: DEMO_PASSWORD }, { isDemo: true }), u.username);
    if (u.hasTotp) unwrap(await provisionDemoSecondFactor(app.deps, actor, user.id, DEMO_TOTP_SECRET), `the second factor of ${u.username}`);
    users.push(user);
  }
  await app.deps.uow.write(async (r) => ok(await r.meta.set('demo', 'true')));

  const caseworker = users.find((u) => u.username === 'demo.caseworker');
  const shelter = orgs.get('shelter');
  if (!caseworker || !shelter) throw new Error('demo caseworker missing');
  const asCaseworker: UserActor = {
    kind: 'user',
    userId: caseworker.id,
    organisationId: shelter.id,
    organisationType: shelter.type,
    role: caseworker.role,
    sessionId: 'demo-seed',
    requestId: uuidv7(),
    purpose: 'case_management',
  };
  for (const p of PEOPLE) {
    const c = unwrap(await openCase(app.deps, asCaseworker, { person: p.person }), 'a demo case');
    unwrap(await addCaseNote(app.deps, asCaseworker, c.id, { body: p.note }), 'a demo note');
    if (p.status) unwrap(await updateCase(app.deps, asCaseworker, c.id, { status: p.status }), 'a demo status');
  }
  return { organisations: [...orgs.values()], users, cases: PEOPLE.length };
}
