import type { Logger } from '../log/logger.js';
import type { Deps } from '../domain/ports.js';
import type { LoginRateLimiter } from './login-rate-limit.js';

/** What route modules get: the domain's dependencies and a few HTTP settings. */
export interface HttpContext {
  readonly deps: Deps;
  /** Whether the database answers and is migrated (for /readyz); supplied by the composition root. */
  readonly checkReadiness: () => Promise<{ readonly database: boolean; readonly migrations: boolean }>;
  readonly logger: Logger;
  readonly loginLimiter: LoginRateLimiter;
  readonly cookie: { readonly secure: boolean; readonly maxAgeSeconds: number };
}
