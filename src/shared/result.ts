/**
 * A value or an expected failure. Throwing is kept for bugs and infrastructure faults. A failure may carry
 * details (which input field, which reason code) for the caller; details never quote input values.
 */
export type Result<T, E = string> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E; readonly details?: readonly FailureDetail[] };

/** Why a failure happened, field by field: `{ field: 'password', reason: 'too_short' }`. */
export interface FailureDetail {
  readonly field: string;
  readonly reason: string;
}

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });
export const errWith = <E>(error: E, details: readonly FailureDetail[]): Result<never, E> => ({ ok: false, error, details });
