import type { Generated } from 'kysely';

/**
 * Row types. They never leave store/: mappers turn them into domain records. Portable subset (DESIGN.md §4):
 * text ids and ISO timestamps, 0/1 booleans, JSON as text.
 */
export interface Database {
  organisations: OrganisationRow;
  users: UserRow;
  sessions: SessionRow;
  persons: PersonRow;
  person_name_tokens: PersonNameTokenRow;
  cases: CaseRow;
  case_notes: CaseNoteRow;
  audit_events: AuditEventRow;
  deployment_meta: MetaRow;
  access_grants: AccessGrantRow;
  notifications: NotificationRow;
  anonymous_reports: AnonymousReportRow;
  case_shares: CaseShareRow;
}

export interface CaseShareRow {
  case_id: string;
  user_id: string;
  shared_by: string | null;
  created_at: string;
}

export interface AnonymousReportRow {
  id: string;
  reporting_organisation_id: string;
  encountered_on: string;
  sex: string;
  age_band: string;
  is_minor_at_exploitation: string;
  citizenship: string | null;
  country_of_exploitation: string | null;
  exploitation_types: string;
  why_anonymous: string;
  created_at: string;
}

export interface AccessGrantRow {
  id: string;
  case_id: string;
  kind: string;
  grantee_organisation_id: string | null;
  grantee_user_id: string | null;
  purpose: string | null;
  categories: string;
  reference: string | null;
  consent_given_by: string | null;
  explained_in_language: string | null;
  is_interpreter_used: number | null;
  child_views: string | null;
  reason: string | null;
  duration_minutes: number | null;
  created_by: string | null;
  created_at: string;
  approved_by: string | null;
  approved_at: string | null;
  expires_at: string;
  revoked_at: string | null;
  revoked_by: string | null;
  revocation_reason: string | null;
}

export interface NotificationRow {
  id: string;
  recipient_user_id: string;
  kind: string;
  record_type: string | null;
  record_id: string | null;
  created_at: string;
}

export interface OrganisationRow {
  id: string;
  name: string;
  type: string;
  country: string | null;
  is_demo: number;
  created_at: string;
  retention_months: number | null;
}

export interface UserRow {
  id: string;
  organisation_id: string;
  username: string;
  display_name: string;
  role: string;
  password_hash: string;
  is_disabled: number;
  is_demo: number;
  failed_logins: Generated<number>;
  locked_until: string | null;
  password_changed_at: string;
  created_at: string;
  // Sealed with the field cipher in the database (user.store.ts); plain base32 here.
  totp_secret: string | null;
  totp_enabled_at: string | null;
  totp_last_step: number | null;
}

export interface SessionRow {
  id: string;
  token_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
  revoked_at: string | null;
  assurance: string;
}

/** given_name, family_name and date_of_birth hold ciphertext (field-codec.ts); sex and nationality stay clear. */
export interface PersonRow {
  id: string;
  organisation_id: string;
  given_name: string;
  family_name: string | null;
  /** Held the clear normalised name before field encryption; now always '' and never read (migrations add, never drop). */
  name_search: string;
  sex: string;
  date_of_birth: string | null;
  is_date_of_birth_estimated: number;
  nationality: string | null;
  preferred_language: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  version: number;
  anonymised_at: string | null;
}

/** One word of a person's normalised name, as a keyed blind index under `key_id` (ADR 0005). */
export interface PersonNameTokenRow {
  person_id: string;
  key_id: string;
  token_hash: string;
}

export interface CaseRow {
  id: string;
  organisation_id: string;
  person_id: string;
  status: string;
  assigned_user_id: string | null;
  opened_at: string;
  closed_at: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface CaseNoteRow {
  id: string;
  case_id: string;
  author_user_id: string | null;
  /** Ciphertext. */
  body: string;
  created_at: string;
}

export interface AuditEventRow {
  seq: number;
  id: string;
  at: string;
  actor_kind: string;
  actor_user_id: string | null;
  actor_organisation_id: string | null;
  actor_name: string | null;
  action: string;
  record_type: string | null;
  record_id: string | null;
  purpose: string;
  outcome: string;
  request_id: string;
  details: string | null;
  prev_hash: string;
  hash: string;
}

export interface MetaRow {
  key: string;
  value: string;
}
