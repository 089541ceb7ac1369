/** Minimal cookie handling: one session cookie, parsed and written by hand (no dependency needed). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return /^[A-Za-z0-9_-]{1,128}$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}

export interface CookieOptions {
  readonly secure: boolean;
  readonly maxAgeSeconds: number;
}

/**
 * HttpOnly (no script can read it), SameSite=Strict (never sent on cross-site requests), Path=/ and, over HTTPS,
 * Secure with the __Host- prefix (bound to this exact host).
 */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-opennrm_session' : 'opennrm_session';
}

export function serializeSessionCookie(value: string, options: CookieOptions): string {
  const parts = [
    `${sessionCookieName(options.secure)}=${value}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`,
  ];
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}
