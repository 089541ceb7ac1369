import { sql, type Kysely } from 'kysely';
import type { Repos } from '../domain/ports.js';
import type { ErrorCode } from '../shared/errors.js';
import type { Result } from '../shared/result.js';
import type { Database } from './database.js';

type Work<T> = (repos: Repos) => Promise<Result<T, ErrorCode>>;

interface Pending {
  readonly work: Work<unknown>;
  readonly resolve: (result: Result<unknown, ErrorCode>) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit for SQLite. With `synchronous=FULL` every COMMIT waits for an fsync of the WAL, and better-sqlite3
 * waits on the main thread; since every read of a person or case appends an audit event, a commit per request
 * would cap the whole server at the disk's fsync rate. Writes queued during one turn of the event loop run in
 * one transaction instead, each inside its own SAVEPOINT, and are acknowledged together after the one COMMIT:
 *
 * - a work that returns an error or throws is rolled back to its savepoint alone; the others still commit;
 * - nobody gets an answer before the COMMIT that makes their writes durable has returned;
 * - if the COMMIT fails, every work of the batch fails and the database is as it was.
 *
 * A work must only use the repositories it is given (no waiting on other I/O), or it holds up its batch.
 */
export function sqliteGroupCommit(
  db: Kysely<Database>,
  reposFor: (conn: Kysely<Database>) => Repos,
  maxBatch = 256,
): <T>(work: Work<T>) => Promise<Result<T, ErrorCode>> {
  const queue: Pending[] = [];
  let isScheduled = false;

  async function runBatch(batch: readonly Pending[]): Promise<void> {
    const outcomes: Array<{ result: Result<unknown, ErrorCode> } | { error: unknown }> = [];
    try {
      await db.connection().execute(async (conn) => {
        await sql`begin immediate`.execute(conn);
        try {
          const repos = reposFor(conn);
          for (const [i, item] of batch.entries()) {
            await sql.raw(`savepoint w${i}`).execute(conn);
            try {
              const result = await item.work(repos);
              if (!result.ok) await sql.raw(`rollback to w${i}`).execute(conn);
              outcomes.push({ result });
            } catch (error) {
              await sql.raw(`rollback to w${i}`).execute(conn);
              outcomes.push({ error });
            }
            await sql.raw(`release w${i}`).execute(conn);
          }
          await sql`commit`.execute(conn);
        } catch (error) {
          await sql`rollback`.execute(conn).catch(() => undefined);
          throw error;
        }
      });
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i];
      if (outcome && 'result' in outcome) item.resolve(outcome.result);
      else item.reject(outcome?.error);
    });
  }

  async function drain(): Promise<void> {
    while (queue.length > 0) await runBatch(queue.splice(0, maxBatch));
    isScheduled = false;
  }

  return <T>(work: Work<T>) =>
    new Promise<Result<T, ErrorCode>>((resolve, reject) => {
      queue.push({ work, resolve: resolve as Pending['resolve'], reject });
      if (!isScheduled) {
        isScheduled = true;
        // After the I/O callbacks of this loop turn: every request that arrived meanwhile joins the batch.
        setImmediate(() => void drain());
      }
    });
}
