import { hkdfSync, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';

/**
 * The data key ring (ADR 0005): several 256-bit keys with ids, one of them current. New values are encrypted
 * under the current key; any key of the ring decrypts, so a rotation can proceed while the server keeps serving.
 *
 * File format (JSON, mode 0600):
 *
 *   { "format": "opennrm-key-ring/1", "current": "k20261128-4f0c2a",
 *     "keys": [ { "id": "k20261128-4f0c2a", "createdAt": "2026-11-28T18:00:00.000Z", "key": "<base64 of 32 bytes>" } ] }
 */

export const KEY_RING_FORMAT = 'opennrm-key-ring/1';
/** Key ids appear in every ciphertext (`v1.<keyId>.…`), so they must not contain the separator. */
export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
export const KEY_BYTES = 32;
/**
 * How often a running server looks at its key ring file for a rotation's new key (one stat call). A rotation waits
 * a few of these before rewriting anything, so by then every server searches under both keys.
 */
export const KEY_RING_POLL_MS = 1_000;

export interface RingKey {
  readonly id: string;
  readonly key: Buffer;
  readonly createdAt: string | null;
  /** Where it came from: the key ring file, or OPENNRM_DATA_KEY. */
  readonly source: 'file' | 'env';
}

export interface KeyRing {
  readonly currentId: string;
  readonly keys: readonly RingKey[];
}

/** A problem with key material or the key ring file. Messages name files and key ids, never key material. */
export class KeyRingError extends Error {
  override readonly name = 'KeyRingError';
}

const fileSchema = z.strictObject({
  format: z.literal(KEY_RING_FORMAT),
  current: z.string().regex(KEY_ID_PATTERN),
  keys: z
    .array(z.strictObject({ id: z.string().regex(KEY_ID_PATTERN), createdAt: z.string().optional(), key: z.string() }))
    .min(1),
});

/** A 32-byte key from base64 (standard or URL-safe); undefined when it is anything else. */
export function decodeKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) return undefined;
  const key = Buffer.from(trimmed, trimmed.includes('-') || trimmed.includes('_') ? 'base64url' : 'base64');
  return key.length === KEY_BYTES ? key : undefined;
}

/**
 * The id of the key given in OPENNRM_DATA_KEY: derived from the key (HKDF, 32 bits), so it is the same at every
 * start and says nothing usable about the key.
 */
export function envKeyId(key: Buffer): string {
  return `env-${Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'opennrm/v1/key-id', 4)).toString('hex')}`;
}

export function parseKeyRingFile(text: string, file: string): KeyRing {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new KeyRingError(`key ring file ${file} is not JSON`);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'file'}: ${i.message}`).join('; ');
    throw new KeyRingError(`key ring file ${file} is invalid (${problems}); expected the format of ADR 0005`);
  }
  const seen = new Set<string>();
  const keys = parsed.data.keys.map((k): RingKey => {
    if (seen.has(k.id)) throw new KeyRingError(`key ring file ${file} holds key id ${k.id} twice`);
    seen.add(k.id);
    const key = decodeKey(k.key);
    if (!key) throw new KeyRingError(`key ring file ${file}: key ${k.id} is not base64 of ${KEY_BYTES} bytes`);
    return { id: k.id, key, createdAt: k.createdAt ?? null, source: 'file' };
  });
  if (!seen.has(parsed.data.current)) throw new KeyRingError(`key ring file ${file}: current key ${parsed.data.current} is not in the ring`);
  return { currentId: parsed.data.current, keys };
}

export function serialiseKeyRing(ring: KeyRing): string {
  const keys = ring.keys
    .filter((k) => k.source === 'file')
    .map((k) => ({ id: k.id, ...(k.createdAt ? { createdAt: k.createdAt } : {}), key: k.key.toString('base64') }));
  return `${JSON.stringify({ format: KEY_RING_FORMAT, current: ring.currentId, keys }, null, 2)}\n`;
}

export function readKeyRingFile(file: string): KeyRing {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new KeyRingError(
      code === 'ENOENT' ? `key ring file ${file} does not exist (create one with: opennrm keys generate ${file})` : `cannot read key ring file ${file} (${code ?? 'error'})`,
    );
  }
  return parseKeyRingFile(text, file);
}

/** A fresh random key with a readable, unique id (`k<date>-<random>`). */
export function newRingKey(now: Date, takenIds: Iterable<string> = []): RingKey {
  const taken = new Set(takenIds);
  const day = now.toISOString().slice(0, 10).replaceAll('-', '');
  let id: string;
  do id = `k${day}-${randomBytes(3).toString('hex')}`;
  while (taken.has(id));
  return { id, key: randomBytes(KEY_BYTES), createdAt: now.toISOString(), source: 'file' };
}

/**
 * Writes a key ring file so that at every moment the path holds either the old ring or the new one, durably
 * (temp file, fsync, rename, fsync of the directory): data is encrypted under a new key only after this returns,
 * and a crash must never leave a database whose key was lost.
 */
export function writeKeyRingFile(file: string, ring: KeyRing, options: { replace: boolean }): void {
  const path = resolve(file);
  if (!options.replace && existsSync(path)) throw new KeyRingError(`${path} exists; choose a new file`);
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = join(dir, `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, serialiseKeyRing(ring));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}

/** Where a deployment's keys come from, and a way to (re)read them. */
export interface KeyRingSource {
  /** The key ring file (rotation writes to it); undefined when only OPENNRM_DATA_KEY is configured. */
  readonly file: string | undefined;
  /** True when the file was generated for development in the data directory. */
  readonly isGenerated: boolean;
  load(): KeyRing;
}

/**
 * The configured key ring: the file's keys (current as the file says) plus the key of OPENNRM_DATA_KEY when both
 * are set (the way from a single key to a ring); the single key alone; or, outside production (config.ts refuses
 * production without a key), a ring generated once into `<dataDir>/data-key`, like the development session secret.
 */
export function keyRingSource(config: { dataKeyFile: string | undefined; dataKey: string | undefined; dataDir: string }): KeyRingSource {
  const envKey = config.dataKey === undefined ? undefined : decodeKey(config.dataKey);
  if (config.dataKey !== undefined && !envKey) throw new KeyRingError(`OPENNRM_DATA_KEY must be base64 of ${KEY_BYTES} random bytes`);
  const envEntry: RingKey | undefined = envKey && { id: envKeyId(envKey), key: envKey, createdAt: null, source: 'env' };
  if (config.dataKeyFile === undefined && envEntry) {
    return { file: undefined, isGenerated: false, load: () => ({ currentId: envEntry.id, keys: [envEntry] }) };
  }
  const file = resolve(config.dataKeyFile ?? join(config.dataDir, 'data-key'));
  const isGenerated = config.dataKeyFile === undefined;
  if (isGenerated && !existsSync(file)) {
    const key = newRingKey(new Date());
    writeKeyRingFile(file, { currentId: key.id, keys: [key] }, { replace: false });
  }
  return {
    file,
    isGenerated,
    load() {
      const ring = readKeyRingFile(file);
      if (!envEntry) return ring;
      if (ring.keys.some((k) => k.id === envEntry.id)) throw new KeyRingError(`key ring file ${file} already holds key id ${envEntry.id}`);
      return { currentId: ring.currentId, keys: [...ring.keys, envEntry] };
    },
  };
}

/** True when a key ring file can be read by other users than its owner (worth a warning at start-up). */
export function isReadableByOthers(file: string): boolean {
  return (statSync(file).mode & 0o077) !== 0;
}

/**
 * Calls `onChange` when the file at `file` is replaced or changed (polling its status: a rename onto the path, as
 * writeKeyRingFile does, is not always seen by fs.watch). Returns a function that stops watching.
 */
export function watchKeyRingFile(file: string, onChange: () => void, intervalMs = KEY_RING_POLL_MS): () => void {
  const signature = () => {
    try {
      const s = statSync(file);
      return `${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch {
      return 'missing';
    }
  };
  let last = signature();
  const timer = setInterval(() => {
    const now = signature();
    if (now === last) return;
    last = now;
    onChange();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
