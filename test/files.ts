import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import type { Store } from '../src/store/connect.js';

/**
 * Every byte of a SQLite database's files, after a checkpoint has moved the WAL into the main file, as latin1 text
 * (so both UTF-8 byte sequences and ASCII can be searched for).
 */
export async function sqliteFileBytes(store: Store): Promise<string> {
  await sql`pragma wal_checkpoint(TRUNCATE)`.execute(store.db);
  const file = store.description.replace(/^sqlite:/, '');
  const parts = [readFileSync(file)];
  try {
    parts.push(readFileSync(`${file}-wal`));
  } catch {
    // no WAL file left
  }
  return Buffer.concat(parts).toString('latin1');
}

/** True when `text` (UTF-8) appears in bytes read as latin1. */
export function containsText(bytes: string, text: string): boolean {
  return bytes.includes(Buffer.from(text, 'utf8').toString('latin1'));
}
