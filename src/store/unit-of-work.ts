import type { Kysely } from 'kysely';
import type { Clock, FieldCipher, IdGenerator, Repos, UnitOfWork } from '../domain/ports.js';
import type { ErrorCode } from '../shared/errors.js';
import type { Result } from '../shared/result.js';
import { auditRepo } from './audit.store.js';
import { caseRepo, noteRepo } from './case.store.js';
import type { Store } from './connect.js';
import type { Database } from './database.js';
import { sqliteGroupCommit } from './group-commit.js';
import { grantRepo, notificationRepo } from './grant.store.js';
import { anonymousReportRepo } from './anonymous-report.store.js';
import { metaRepo } from './meta.store.js';
import { organisationRepo } from './organisation.store.js';
import { personRepo } from './person.store.js';
import { sessionRepo } from './session.store.js';
import { userRepo } from './user.store.js';

function reposFor(db: Kysely<Database>, clock: Clock, ids: IdGenerator, cipher: FieldCipher): Repos {
  return {
    organisations: organisationRepo(db),
    users: userRepo(db, cipher),
    sessions: sessionRepo(db),
    persons: personRepo(db, cipher),
    cases: caseRepo(db, cipher),
    notes: noteRepo(db, cipher),
    audit: auditRepo(db, clock, ids),
    meta: metaRepo(db),
    grants: grantRepo(db, cipher),
    notifications: notificationRepo(db),
    anonymousReports: anonymousReportRepo(db),
  };
}

/** Thrown inside a transaction to roll back a command that returned an expected failure. */
class Rollback extends Error {
  constructor(readonly result: Result<never, ErrorCode>) {
    super('rollback');
  }
}

/**
 * Transactions. On SQLite a write takes the database write lock at BEGIN (IMMEDIATE), so the read-then-append
 * of the audit chain cannot interleave with another process, and concurrent writes share one durable COMMIT
 * (group-commit.ts); on PostgreSQL the audit append takes an advisory lock. Either way a command's writes and its
 * audit event commit together or not at all. The repositories encrypt and decrypt identity fields with `cipher`.
 */
export function createUnitOfWork(store: Store, clock: Clock, ids: IdGenerator, cipher: FieldCipher): UnitOfWork {
  const { db } = store;
  const readRepos = reposFor(db, clock, ids, cipher);
  const groupCommit = store.dialect === 'sqlite' ? sqliteGroupCommit(db, (conn) => reposFor(conn, clock, ids, cipher)) : undefined;
  return {
    async write(work) {
      if (groupCommit) return groupCommit(work);
      try {
        return await db.transaction().execute(async (trx) => {
          const result = await work(reposFor(trx, clock, ids, cipher));
          if (!result.ok) throw new Rollback(result);
          return result;
        });
      } catch (error) {
        if (error instanceof Rollback) return error.result;
        throw error;
      }
    },
    read: (work) => work(readRepos),
  };
}
