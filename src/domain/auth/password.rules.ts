/**
 * The password policy (NIST SP 800-63B §5.1.1.2): long enough, not absurdly long, not a known common or breached
 * password, and not built on the username. No composition rules (they make passwords harder to remember, not to
 * guess) and no periodic changes.
 */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

export type PasswordWeakness = 'too_short' | 'too_long' | 'common' | 'contains_username' | 'same_as_current';

/** The offline breach list, lower case. */
export interface CommonPasswordSet {
  has(lowerCasePassword: string): boolean;
}

/**
 * Why a password is refused, or null. Lengths count code points, so that a passphrase in Arabic or Tigrinya is
 * measured as it is typed. The reason is safe to show and to audit; the password never is.
 */
export function passwordWeakness(password: string, username: string, common: CommonPasswordSet): PasswordWeakness | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return 'too_short';
  if (length > PASSWORD_MAX_LENGTH) return 'too_long';
  const lower = password.toLowerCase();
  if (common.has(lower)) return 'common';
  if (username.length > 0 && lower.includes(username.toLowerCase())) return 'contains_username';
  return null;
}
