import { z } from 'zod';

/** 'development' allows the demo deployment and a generated session secret; 'production' allows neither. */
export type Mode = 'development' | 'production' | 'test';

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  OPENNRM_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  OPENNRM_SESSION_SECRET: z.string().min(32, 'OPENNRM_SESSION_SECRET must be at least 32 characters').optional(),
  OPENNRM_DATA_KEY_FILE: z.string().min(1).optional(),
  OPENNRM_DATA_KEY: z
    .string()
    .refine(isBase64Key, 'OPENNRM_DATA_KEY must be base64 of 32 random bytes')
    .optional(),
  OPENNRM_SESSION_TTL_MINUTES: z.coerce.number().int().min(5).max(24 * 60).default(8 * 60),
  OPENNRM_SESSION_IDLE_MINUTES: z.coerce.number().int().min(5).max(24 * 60).default(60),
  OPENNRM_COOKIE_SECURE: z.enum(['true', 'false', 'auto']).default('auto'),
  OPENNRM_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(50 * 1024 * 1024).default(1024 * 1024),
  OPENNRM_LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  OPENNRM_LOGIN_LOCKOUT_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15),
  OPENNRM_LOGIN_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(20),
  OPENNRM_TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  OPENNRM_POLICY_FILE: z.string().min(1).optional(),
  OPENNRM_TOTP_REQUIRED: z.enum(['default', 'off']).default('default'),
  OPENNRM_RETENTION_MONTHS: z.coerce.number().int().min(1).max(1200).default(60),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** 32 bytes in base64 (standard or URL-safe). platform/key-ring.ts decodes it; config only checks the shape. */
function isBase64Key(value: string): boolean {
  const v = value.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(v)) return false;
  return Buffer.from(v, v.includes('-') || v.includes('_') ? 'base64url' : 'base64').length === 32;
}

export interface Config {
  readonly mode: Mode;
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  /** Undefined only outside production; main.ts then derives one kept in the data directory. */
  readonly sessionSecret: string | undefined;
  /** Key ring file of the data key (ADR 0005); with neither this nor dataKey, development generates one. */
  readonly dataKeyFile: string | undefined;
  /** A single data key, base64 of 32 bytes; added to the file's ring when both are set. */
  readonly dataKey: string | undefined;
  readonly sessionTtlMinutes: number;
  readonly sessionIdleMinutes: number;
  readonly cookieSecure: boolean;
  readonly bodyLimitBytes: number;
  readonly login: { readonly maxFailures: number; readonly lockoutMinutes: number; readonly ratePerMinute: number };
  readonly trustProxy: boolean;
  readonly logLevel: string;
  /** Months an identity is kept after a person's last case closed, where the organisation sets no schedule. */
  readonly retentionMonths: number;
  /** A deployment's own Cedar policy file; undefined = the built-in national policy (policy/national.cedar). */
  readonly policyFile: string | undefined;
  /** Who must use a second factor: `default` (see second-factor.rules.ts) or `off` (never in production). */
  readonly totpRequired: 'default' | 'off';
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment once into a frozen Config. Throws ConfigError with every problem listed. */
export function loadConfig(env: NodeJS.ProcessEnv, overrides: { mode?: Mode } = {}): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  const mode = overrides.mode ?? e.NODE_ENV;
  if (mode === 'production' && !e.OPENNRM_SESSION_SECRET) {
    throw new ConfigError('OPENNRM_SESSION_SECRET is required in production (at least 32 random characters)');
  }
  if (mode === 'production' && e.OPENNRM_TOTP_REQUIRED === 'off') {
    throw new ConfigError('OPENNRM_TOTP_REQUIRED=off is refused in production: it is for development and tests only');
  }
  if (mode === 'production' && !e.OPENNRM_DATA_KEY_FILE && !e.OPENNRM_DATA_KEY) {
    throw new ConfigError(
      'OPENNRM_DATA_KEY_FILE (a key ring file, see `opennrm keys generate`) or OPENNRM_DATA_KEY (base64 of 32 random bytes) ' +
        'is required in production: identity fields are encrypted with it',
    );
  }
  return Object.freeze({
    mode,
    port: e.PORT,
    host: e.HOST,
    dataDir: e.OPENNRM_DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    sessionSecret: e.OPENNRM_SESSION_SECRET,
    dataKeyFile: e.OPENNRM_DATA_KEY_FILE,
    dataKey: e.OPENNRM_DATA_KEY,
    sessionTtlMinutes: e.OPENNRM_SESSION_TTL_MINUTES,
    sessionIdleMinutes: e.OPENNRM_SESSION_IDLE_MINUTES,
    cookieSecure: e.OPENNRM_COOKIE_SECURE === 'auto' ? mode === 'production' : e.OPENNRM_COOKIE_SECURE === 'true',
    bodyLimitBytes: e.OPENNRM_BODY_LIMIT_BYTES,
    login: Object.freeze({
      maxFailures: e.OPENNRM_LOGIN_MAX_FAILURES,
      lockoutMinutes: e.OPENNRM_LOGIN_LOCKOUT_MINUTES,
      ratePerMinute: e.OPENNRM_LOGIN_RATE_PER_MINUTE,
    }),
    trustProxy: e.OPENNRM_TRUST_PROXY === 'true',
    logLevel: e.LOG_LEVEL,
    retentionMonths: e.OPENNRM_RETENTION_MONTHS,
    policyFile: e.OPENNRM_POLICY_FILE,
    totpRequired: e.OPENNRM_TOTP_REQUIRED,
  });
}

/** The configuration variables, for `--help` and the README. */
export const CONFIG_VARIABLES = Object.keys(envSchema.shape);
