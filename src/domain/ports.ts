import type { Actor } from './actor.js';
import type { AuditFilter } from './audit/audit.query.js';
import type { CommonPasswordSet } from './auth/password.rules.js';
import type { SessionAssurance, TotpRequirement } from './auth/second-factor.rules.js';
import type { AuditEntryInput, AuditEvent } from './audit/audit.schema.js';
import type { Case, CaseNote, CaseStatus, CaseSummary } from './cases/case.schema.js';
import type { Page } from './common.schema.js';
import type { AccessRequest, ScopeRequest } from './policy/policy.model.js';
import type { ScopeExpr } from './policy/scope.js';
import type { AccessGrant } from './grants/grant.schema.js';
import type { Organisation } from './orgs/org.schema.js';
import type { AnonymousReport } from './reports/anonymous-report.schema.js';
import type { RetentionSummary } from './retention/retention.rules.js';
import type { Person } from './persons/person.schema.js';
import type { Role, User, UserCredentials } from './users/user.schema.js';
import type { Result } from '../shared/result.js';
import type { ErrorCode } from '../shared/errors.js';

/** Interfaces the domain needs from the outside world. The store implements the repositories. */

export interface OrganisationRepo {
  insert(org: Organisation): Promise<void>;
  findById(id: string): Promise<Organisation | undefined>;
  findByName(name: string): Promise<Organisation | undefined>;
  setRetention(id: string, months: number | null): Promise<void>;
  /** The organisations within `scope` (policy attributes: __id, sector, kind). */
  list(query: { scope: ScopeExpr; limit: number; cursor?: string | undefined }): Promise<Page<Organisation>>;
}

export interface NewUserRow extends User {
  readonly passwordHash: string;
}

export interface UserRepo {
  insert(user: NewUserRow): Promise<void>;
  findById(id: string): Promise<User | undefined>;
  findCredentials(username: string): Promise<UserCredentials | undefined>;
  findCredentialsById(id: string): Promise<UserCredentials | undefined>;
  /** Users whose organisation is within `scope` (policy attributes of the organisation: __id, sector, kind). */
  list(query: { scope: ScopeExpr; organisationId?: string | undefined; limit: number; cursor?: string | undefined }): Promise<Page<User>>;
  recordLoginFailure(id: string, failedLogins: number, lockedUntil: string | null): Promise<void>;
  recordLoginSuccess(id: string): Promise<void>;
  setPassword(id: string, passwordHash: string, at: string): Promise<void>;
  setDisabled(id: string, isDisabled: boolean): Promise<void>;
  /** Writes the fields given; false when no such user. */
  update(id: string, changes: { displayName?: string | undefined; role?: Role | undefined }): Promise<boolean>;
  findTotp(id: string): Promise<TotpState | undefined>;
  /** Starts (or restarts) an enrolment: a new secret, not yet enabled. */
  setTotpPending(id: string, secret: string): Promise<void>;
  enableTotp(id: string, enabledAt: string, lastStep: number | null): Promise<void>;
  /**
   * Records `step` as the last accepted one if it is later than the stored one, atomically (a conditional
   * UPDATE): of two requests racing with the same code, exactly one gets true.
   */
  consumeTotpStep(id: string, step: number): Promise<boolean>;
  clearTotp(id: string): Promise<void>;
}

/** A user's TOTP set-up. `secret` without `enabledAt` is an enrolment waiting for its first code. */
export interface TotpState {
  // Sealed with the field cipher in the database (user.store.ts); plain base32 here.
  readonly secret: string | null;
  readonly enabledAt: string | null;
  /** The last time step whose code was accepted: codes of that step or earlier are replays. */
  readonly lastStep: number | null;
}

export interface Session {
  readonly id: string;
  readonly userId: string;
  readonly csrfToken: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly lastSeenAt: string;
  readonly revokedAt: string | null;
  /** What the session proved at sign-in; see second-factor.rules.ts. */
  readonly assurance: SessionAssurance;
}

/** What one query returns to authenticate a request. */
export interface SessionContext {
  readonly session: Session;
  readonly user: User;
  readonly organisation: Pick<Organisation, 'id' | 'name' | 'type'>;
  readonly isTotpEnabled: boolean;
}

export interface SessionRepo {
  insert(session: Session & { tokenHash: string }): Promise<void>;
  findContext(tokenHash: string): Promise<SessionContext | undefined>;
  touch(id: string, at: string): Promise<void>;
  revoke(id: string, at: string): Promise<void>;
  /** Ends the user's sessions not yet expired (but the one excepted); returns how many. */
  revokeAllForUser(userId: string, at: string, exceptSessionId?: string): Promise<number>;
  findById(id: string): Promise<Session | undefined>;
  /** Sessions of the user neither revoked nor past their absolute expiry, newest first, at most `limit`. */
  listOpenForUser(userId: string, now: string, limit: number): Promise<Session[]>;
}

export interface PersonRepo {
  insert(person: Person): Promise<void>;
  findById(id: string): Promise<Person | undefined>;
  update(person: Person, expectedVersion: number): Promise<boolean>;
  /** `now` decides which grants are still valid for the scope's grant attributes. */
  list(query: { scope: ScopeExpr; now: string; nameQuery?: string | undefined; limit: number; cursor?: string | undefined }): Promise<Page<Person>>;
  /** Users assigned to, or sharing, one of this person's cases (a policy attribute of the person). */
  assigneesOf(personId: string): Promise<string[]>;
  /** Replaces the identity with its anonymised form and drops the name index; no version check (it wins). */
  anonymise(person: Person): Promise<void>;
  /** For every person not yet anonymised who has cases: their organisation's retention and their cases' state. */
  retentionSummaries(): Promise<RetentionSummary[]>;
  /** Removes the free text about a person: the notes of their cases and the free text of their cases' grants. */
  removeFreeText(personId: string): Promise<number>;
}

export interface CaseListFilter {
  /** Which cases the policy lets the actor list (see policy/scope.ts). */
  readonly scope: ScopeExpr;
  /** Decides which grants are still valid for the scope's grant attributes. */
  readonly now: string;
  readonly status?: CaseStatus | undefined;
  readonly assignedUserId?: string | null | undefined;
  readonly personId?: string | undefined;
  /**
   * Normalised name (see normaliseName): matches people having every one of its space-separated words exactly
   * (blind-index lookups: no substrings). A query with no words matches nobody.
   */
  readonly nameQuery?: string | undefined;
  readonly limit: number;
  readonly cursor?: string | undefined;
}

export interface CaseRepo {
  insert(c: Case): Promise<void>;
  findById(id: string): Promise<Case | undefined>;
  /** Writes `c` if the stored version is still `expectedVersion`; false if someone changed it first. */
  update(c: Case, expectedVersion: number): Promise<boolean>;
  list(filter: CaseListFilter): Promise<Page<CaseSummary>>;
  idsOfPerson(personId: string): Promise<string[]>;
  /** Colleagues a case is shared with. */
  sharesOf(caseId: string): Promise<string[]>;
  share(caseId: string, userId: string, by: string | null, at: string): Promise<boolean>;
  unshare(caseId: string, userId: string): Promise<boolean>;
}

export interface NoteRepo {
  insert(note: CaseNote): Promise<void>;
  listForCase(caseId: string, page: { limit: number; cursor?: string | undefined }): Promise<Page<CaseNote>>;
}

export interface AuditRepo {
  /** Appends one link to the hash chain, inside the caller's transaction. */
  append(actor: Actor, entry: AuditEntryInput): Promise<AuditEvent>;
  /** Events matching the filter, newest first. */
  search(filter: AuditFilter): Promise<AuditEvent[]>;
}

export interface GrantRepo {
  insert(grant: AccessGrant): Promise<void>;
  findById(id: string): Promise<AccessGrant | undefined>;
  listForCase(caseId: string): Promise<AccessGrant[]>;
  /** Every grant on any case of a person (what their identity's policy attributes come from). */
  listForPerson(personId: string): Promise<AccessGrant[]>;
  approve(id: string, by: string, at: string, expiresAt: string): Promise<void>;
  revoke(id: string, by: string | null, at: string, reason: string): Promise<void>;
  /** Break-glass requests, newest first, for the data protection officers' review. */
  listBreakGlass(page: { limit: number; cursor?: string | undefined }): Promise<Page<AccessGrant>>;
}

export interface Notification {
  readonly id: string;
  readonly recipientUserId: string;
  readonly kind: string;
  readonly recordType: string | null;
  readonly recordId: string | null;
  readonly createdAt: string;
}

export interface NotificationRepo {
  insert(n: Notification): Promise<void>;
  listFor(userId: string, page: { limit: number; cursor?: string | undefined }): Promise<Page<Notification>>;
  /** Active data protection officers of an organisation, or of the whole deployment when it has none. */
  dpoRecipients(organisationId: string): Promise<string[]>;
}

export interface AnonymousReportRepo {
  insert(report: AnonymousReport): Promise<void>;
  list(page: { limit: number; cursor?: string | undefined }): Promise<Page<AnonymousReport>>;
}

export interface MetaRepo {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
}

/** Every repository, bound to one transaction. */
export interface Repos {
  readonly organisations: OrganisationRepo;
  readonly users: UserRepo;
  readonly sessions: SessionRepo;
  readonly persons: PersonRepo;
  readonly cases: CaseRepo;
  readonly notes: NoteRepo;
  readonly audit: AuditRepo;
  readonly meta: MetaRepo;
  readonly grants: GrantRepo;
  readonly notifications: NotificationRepo;
  readonly anonymousReports: AnonymousReportRepo;
}

export interface UnitOfWork {
  /**
   * Runs `work` in one write transaction. An `ok: false` result rolls back, as does a throw: a failed command
   * leaves the database as it was.
   */
  write<T>(work: (repos: Repos) => Promise<Result<T, ErrorCode>>): Promise<Result<T, ErrorCode>>;
  /** Runs `work` without taking the write lock. For reads that append nothing (authentication). */
  read<T>(work: (repos: Repos) => Promise<T>): Promise<T>;
}

/** A keyed hash for exact lookups, and the key it was made under (so a rotation can tell what to recompute). */
export interface BlindIndex {
  readonly keyId: string;
  readonly hash: string;
}

/**
 * Encryption at rest of identity fields and free-text notes, and keyed blind indexes for exact lookups (ADR 0005).
 * The store encrypts on write and decrypts on read: the domain never sees ciphertext. `context` names the table,
 * column and row a value belongs to and is authenticated with it, so a ciphertext moved elsewhere fails to decrypt.
 * Failures (unknown key, tampered value) throw: they are infrastructure faults, not expected outcomes.
 */
export interface FieldCipher {
  /** The key new values are encrypted and indexed under. */
  readonly currentKeyId: string;
  /** Every key id the cipher can decrypt with, current first. */
  readonly keyIds: readonly string[];
  /** What every ciphertext under the current key starts with: lets a query find values under older keys. */
  readonly currentPrefix: string;
  encrypt(plaintext: string, context: string): string;
  decrypt(ciphertext: string, context: string): string;
  /** True when `value` has the ciphertext format (it may still fail to decrypt). */
  isCiphertext(value: string): boolean;
  /** The key id a ciphertext names, or undefined for anything that is not one. */
  keyIdOf(value: string): string | undefined;
  /** True when a ciphertext is under another key than the current one. */
  needsRotation(ciphertext: string): boolean;
  /** The blind index of `value` under the current key; `purpose` separates indexes of different fields. */
  blindIndex(value: string, purpose: string): BlindIndex;
  /** The hashes of `value` under every key of the ring: what a lookup matches while a rotation is under way. */
  blindIndexCandidates(value: string, purpose: string): readonly string[];
}

export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  next(): string;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** False for a wrong password. With no hash (unknown user) it checks a decoy, so refusals all take as long. */
  verify(hash: string | undefined, password: string): Promise<boolean>;
}

export interface TokenService {
  /** A new unguessable token (session or CSRF). */
  newToken(): string;
  /** The keyed hash under which a session token is stored: a stolen database holds no usable sessions. */
  hashToken(token: string): string;
}

/** The firewall policy: one decision point for every record-level question, and its SQL-ready form for lists. */
export interface PolicyEngine {
  isAllowed(request: AccessRequest): boolean;
  /** The condition on a resource's attributes under which the action is allowed (for list and search filters). */
  scope(request: ScopeRequest): ScopeExpr;
}

export interface AuthSettings {
  readonly sessionTtlMinutes: number;
  readonly sessionIdleMinutes: number;
  readonly maxFailures: number;
  readonly lockoutMinutes: number;
  readonly totpRequirement: TotpRequirement;
}

/** The offline list of common and breached passwords, loaded on first use (it is large) and kept. */
export interface CommonPasswordList {
  load(): Promise<CommonPasswordSet>;
}

export interface Deps {
  readonly uow: UnitOfWork;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly passwords: PasswordHasher;
  readonly tokens: TokenService;
  readonly auth: AuthSettings;
  readonly policy: PolicyEngine;
  readonly commonPasswords: CommonPasswordList;
}
