import { createHmac, randomBytes } from 'node:crypto';
import type { TokenService } from '../domain/ports.js';

/** 256-bit random tokens; stored only as HMAC-SHA256 under the session secret. */
export function createTokenService(secret: string): TokenService {
  return {
    newToken: () => randomBytes(32).toString('base64url'),
    hashToken: (token) => createHmac('sha256', secret).update(token).digest('base64url'),
  };
}
