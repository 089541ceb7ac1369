import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const secret = 's'.repeat(40);

describe('config: data key', () => {
  it('is required in production, as a key ring file or a key', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', OPENNRM_SESSION_SECRET: secret })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production', OPENNRM_SESSION_SECRET: secret })).toThrow(/OPENNRM_DATA_KEY_FILE .* or OPENNRM_DATA_KEY/);
    expect(loadConfig({ NODE_ENV: 'production', OPENNRM_SESSION_SECRET: secret, OPENNRM_DATA_KEY_FILE: '/etc/opennrm/data-key' }).dataKeyFile).toBe('/etc/opennrm/data-key');
    const key = randomBytes(32).toString('base64');
    expect(loadConfig({ NODE_ENV: 'production', OPENNRM_SESSION_SECRET: secret, OPENNRM_DATA_KEY: key }).dataKey).toBe(key);
  });

  it('is optional in development (a ring is generated in the data directory)', () => {
    expect(loadConfig({}).dataKeyFile).toBeUndefined();
  });

  it('must be base64 of 32 bytes, and the error does not echo it', () => {
    const short = randomBytes(16).toString('base64');
    let message = '';
    try {
      loadConfig({ OPENNRM_DATA_KEY: short });
    } catch (error) {
      message = String(error);
    }
    expect(message).toContain('OPENNRM_DATA_KEY must be base64 of 32 random bytes');
    expect(message).not.toContain(short);
    expect(loadConfig({ OPENNRM_DATA_KEY: randomBytes(32).toString('base64url') }).dataKey).toBeDefined();
  });
});
