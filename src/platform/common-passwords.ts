import type { CommonPasswordList } from '../domain/ports.js';
import type { CommonPasswordSet } from '../domain/auth/password.rules.js';

/**
 * The offline breach list: zxcvbn-ts's ~49,000 most common passwords from public breach corpora (lower case).
 * No network lookup (e.g. the Have I Been Pwned range API): a deployment may run without Internet access, and a
 * password-derived query should not leave the server. The module is imported on the first check only, so start-up
 * and the CLI commands that never set a password do not pay for decompressing it.
 */
export function createCommonPasswordList(): CommonPasswordList {
  let loading: Promise<CommonPasswordSet> | undefined;
  return {
    load() {
      loading ??= import('@zxcvbn-ts/language-common').then(
        ({ dictionary }) => new Set(dictionary['passwords-common'].map((p) => p.toLowerCase())),
        (error: unknown) => {
          loading = undefined; // try again next time rather than refuse every password for the process's life
          throw error;
        },
      );
      return loading;
    },
  };
}
