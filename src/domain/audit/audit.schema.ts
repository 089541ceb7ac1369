import type { Purpose } from '../common.schema.js';

export type AuditOutcome = 'success' | 'denied' | 'failure';

/** What a command asks the log to record. Details hold ids, field names and reasons: never personal values. */
export interface AuditEntryInput {
  readonly action: string;
  readonly recordType: string | null;
  readonly recordId: string | null;
  readonly outcome?: AuditOutcome;
  readonly details?: Readonly<Record<string, string | number | boolean | readonly string[]>>;
}

/** One link of the hash chain, as stored. */
export interface AuditEvent {
  readonly seq: number;
  readonly id: string;
  readonly at: string;
  readonly actorKind: 'user' | 'system' | 'anonymous';
  readonly actorUserId: string | null;
  readonly actorOrganisationId: string | null;
  readonly actorName: string | null;
  readonly action: string;
  readonly recordType: string | null;
  readonly recordId: string | null;
  readonly purpose: Purpose;
  readonly outcome: AuditOutcome;
  readonly requestId: string;
  /** Canonical JSON text (sorted keys) or null: hashed as stored. */
  readonly details: string | null;
  readonly prevHash: string;
  readonly hash: string;
}
