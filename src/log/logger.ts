import pino, { type Logger, type DestinationStream } from 'pino';

export type { Logger };

/**
 * Field names that hold personal data anywhere in the code base. They are censored wherever they appear in a log
 * object, as a safety net: the first rule is that log calls never pass personal data (routes log their pattern,
 * not their URL, and never bodies).
 */
export const PERSONAL_FIELDS = [
  'password',
  'currentPassword',
  'newPassword',
  'passwordHash',
  'givenName',
  'familyName',
  'fullName',
  'name',
  'dateOfBirth',
  'body',
  'note',
  'notes',
  'phone',
  'email',
  'address',
  'documentNumber',
  'nationality',
  'username',
  'q',
  'cookie',
  'authorization',
  'set-cookie',
  'x-csrf-token',
  // Second-factor secrets (not personal data, but a logged one is a second factor given away).
  'secret',
  'otpauthUri',
  'csrfToken',
] as const;

const REDACT_PATHS = [
  ...PERSONAL_FIELDS.flatMap((f) => [`${quote(f)}`, `*.${quote(f)}`, `*.*.${quote(f)}`]),
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
];

function quote(field: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(field) ? field : `["${field}"]`;
}

/**
 * Errors are logged by type, code and stack frames only: driver messages can quote the values that failed
 * (PostgreSQL's "Key (x)=(...) already exists"), and those values may be personal data.
 */
export function serializeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error };
  const frames = (error.stack ?? '').split('\n').slice(1, 8).map((l) => l.trim());
  const code = (error as { code?: unknown }).code;
  return { type: error.name, ...(typeof code === 'string' ? { code } : {}), stack: frames };
}

export function createLogger(options: { level: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'opennrm' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: serializeError, error: serializeError },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}
