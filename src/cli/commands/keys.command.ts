import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { App } from '../../app.js';
import { KEY_RING_POLL_MS, keyRingSource, newRingKey, readKeyRingFile, writeKeyRingFile } from '../../platform/key-ring.js';
import { ok } from '../../shared/result.js';
import { countRowsNotUnderCurrentKey, rewriteEncryptedFields, scrubFreedSpace, type RewriteReport } from '../../store/field-encryption.store.js';
import { fieldKeyUsage, PLAINTEXT } from '../../store/key-usage.store.js';
import { configFor, quietLogger, withApp, type CliContext } from '../context.js';
import { CliError, consoleActor, progressBar } from '../io.js';

/** Passes over the data before a rotation gives up on values that servers keep writing under an older key. */
const MAX_PASSES = 5;
/** Long enough for every server polling the key ring file to have loaded it (KEY_RING_POLL_MS), with a margin. */
const SETTLE_MS = 2 * KEY_RING_POLL_MS + 500;

const positiveInt = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new InvalidArgumentError('a whole number from 1 to 100000');
  return n;
};

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

function add(a: RewriteReport, b: RewriteReport): RewriteReport {
  return {
    persons: a.persons + b.persons,
    notes: a.notes + b.notes,
    values: a.values + b.values,
    plaintextValues: a.plaintextValues + b.plaintextValues,
    nameTokens: a.nameTokens + b.nameTokens,
    batches: a.batches + b.batches,
    conflicts: a.conflicts + b.conflicts,
  };
}

/**
 * Re-encrypts until nothing is left under an older key. It first lets the servers load the ring: a server that
 * still had only the old key would not find people whose name hashes were already moved to the new one. Values
 * written meanwhile by a server that has not re-read the ring are under the old key; a later pass takes them.
 */
async function rotateAll(app: App, ctx: CliContext, batchSize: number): Promise<{ report: RewriteReport; passes: number; left: number }> {
  let report: RewriteReport = { persons: 0, notes: 0, values: 0, plaintextValues: 0, nameTokens: 0, batches: 0, conflicts: 0 };
  ctx.io.err(`waiting ${SETTLE_MS / 1000} s for servers to load key ${app.cipher.currentKeyId}`);
  await sleep(SETTLE_MS);
  for (let pass = 1; ; pass++) {
    const draw = progressBar(ctx.io, pass === 1 ? 'rotating' : `rotating (pass ${pass})`);
    report = add(report, await rewriteEncryptedFields(app.store.db, app.cipher, 'rotate', { batchSize, onProgress: draw }));
    const left = await countRowsNotUnderCurrentKey(app.store.db, app.cipher);
    if (left === 0 || pass === MAX_PASSES) return { report, passes: pass, left };
    ctx.io.err(`${left} records were written under an older key meanwhile; waiting for servers to load the new key`);
    await sleep(SETTLE_MS);
  }
}

export function registerKeysCommands(program: Command, ctx: CliContext): void {
  const keys = program
    .command('keys')
    .description('The data key ring that encrypts identity fields and notes at rest (docs/adr/0005)');

  keys
    .command('generate')
    .description('Write a new key ring file holding one fresh key (mode 0600); for OPENNRM_DATA_KEY_FILE')
    .argument('<file>', 'where to write it (must not exist)')
    .action((file: string) => {
      const key = newRingKey(new Date());
      writeKeyRingFile(file, { currentId: key.id, keys: [key] }, { replace: false });
      ctx.io.out(`${key.id}\t${resolve(file)}`);
      ctx.io.err('Point OPENNRM_DATA_KEY_FILE at it, and back it up apart from the database: without it the identity data cannot be read.');
    });

  keys
    .command('status')
    .description('Count stored values and name-index entries per key id')
    .addHelpText('after', '\nExit codes: 0 every value is readable with the ring; 1 some are in plaintext or under a key the ring lacks (or failure).')
    .action(async () => {
      const config = configFor(ctx);
      await withApp(config, quietLogger(config), async (app) => {
        const usage = await fieldKeyUsage(app.store.db, app.cipher, { onProgress: progressBar(ctx.io, 'counting') });
        const ids = [...new Set([...app.cipher.keyIds, ...usage.values.keys(), ...usage.nameTokens.keys()])].filter((id) => id !== PLAINTEXT);
        ctx.io.out(`key ring: ${app.keyRing.file ?? 'OPENNRM_DATA_KEY'}; current key ${app.cipher.currentKeyId}`);
        ctx.io.out('key\tstate\tvalues\tname tokens');
        const missing: string[] = [];
        for (const id of ids) {
          const state = id === app.cipher.currentKeyId ? 'current' : app.cipher.keyIds.includes(id) ? 'in ring' : 'NOT IN RING';
          if (state === 'NOT IN RING') missing.push(id);
          ctx.io.out(`${id}\t${state}\t${usage.values.get(id) ?? 0}\t${usage.nameTokens.get(id) ?? 0}`);
        }
        const plaintext = usage.values.get(PLAINTEXT) ?? 0;
        ctx.io.out(`${PLAINTEXT}\t-\t${plaintext}\t-`);
        const older = ids.filter((id) => id !== app.cipher.currentKeyId).reduce((n, id) => n + (usage.values.get(id) ?? 0) + (usage.nameTokens.get(id) ?? 0), 0);
        if (missing.length > 0 || plaintext > 0) {
          throw new CliError(`${plaintext} values in plaintext; keys missing from the ring: ${missing.join(', ') || 'none'}`);
        }
        if (older > 0) ctx.io.err(`${older} values and name tokens are under older keys: \`opennrm keys rotate --no-new-key\` moves them to the current key`);
      });
    });

  keys
    .command('rotate')
    .description('Add a new current key to the key ring file, then re-encrypt every value and name-index entry under it, in batches, while servers keep serving')
    .option('--no-new-key', "re-encrypt to the ring's current key without adding one (an interrupted rotation, or a ring installed by hand)")
    .option('--batch-size <rows>', 'rows per transaction', positiveInt, 200)
    .addHelpText(
      'after',
      `\nServers reading the same key ring file load the new key within ${KEY_RING_POLL_MS / 1000} s, and meanwhile read values\n` +
        'under any key of the ring. Keep old keys in the ring as long as backups made under them are kept.\n' +
        'Exit codes: 0 every value is under the current key; 1 failure, or values left under older keys\n' +
        '(run again with --no-new-key); 2 usage error.',
    )
    .action(async (options: { newKey: boolean; batchSize: number }) => {
      const config = configFor(ctx);
      const source = keyRingSource(config);
      if (options.newKey) {
        if (!source.file) {
          throw new CliError(
            'the data key comes from OPENNRM_DATA_KEY alone, which this command cannot change. Write a key ring with ' +
              '`opennrm keys generate <file>`, set OPENNRM_DATA_KEY_FILE to it (keep OPENNRM_DATA_KEY set: the ring then holds both ' +
              'keys), restart the servers, then run `opennrm keys rotate --no-new-key`',
          );
        }
        const fileRing = readKeyRingFile(source.file);
        const key = newRingKey(new Date(), source.load().keys.map((k) => k.id));
        writeKeyRingFile(source.file, { currentId: key.id, keys: [...fileRing.keys, key] }, { replace: true });
        ctx.io.err(`added key ${key.id} to ${source.file} as the current key`);
      }
      await withApp(config, quietLogger(config), async (app) => {
        const { report, passes, left } = await rotateAll(app, ctx, options.batchSize);
        const counts = { persons: report.persons, notes: report.notes, values: report.values, nameTokens: report.nameTokens, batches: report.batches, passes, left };
        await app.deps.uow.write(async (r) =>
          ok(await r.audit.append(consoleActor(), { action: 'keys.rotate', recordType: 'key_ring', recordId: app.cipher.currentKeyId, outcome: left === 0 ? 'success' : 'failure', details: counts })),
        );
        if (left > 0) throw new CliError(`${left} records are still under older keys: is a server using another key ring? Run \`opennrm keys rotate --no-new-key\` again`);
        if (app.store.dialect === 'sqlite') await scrubFreedSpace(app.store.db);
        ctx.io.out(
          `rotated to key ${app.cipher.currentKeyId}: ${report.persons} people, ${report.notes} notes, ${report.values} values and ` +
            `${report.nameTokens} name tokens re-encrypted in ${report.batches} batches`,
        );
        if (app.store.dialect === 'postgres') {
          ctx.io.err('PostgreSQL keeps the old row versions until vacuumed: run VACUUM FULL persons, case_notes, person_name_tokens in a maintenance window.');
        }
      });
    });
}
