import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Outside production a missing OPENNRM_SESSION_SECRET is generated once and kept in the data directory (mode
 * 0600), so sessions survive a restart of the demo. Production refuses to start without one (config.ts).
 */
export function developmentSessionSecret(dataDir: string): string {
  const dir = resolve(dataDir);
  const file = join(dir, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return secret;
}
