import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { auditEventAt, verifyAuditChain } from '../../store/audit.store.js';
import { configFor, quietLogger, withApp, type CliContext } from '../context.js';
import { CliError, progressBar } from '../io.js';

/**
 * An anchor: the sequence number and hash of the chain's head at some moment, kept outside the database (printed,
 * mailed, on write-once storage). Someone with the database can rewrite the whole chain from some event on and
 * recompute every hash; they cannot change an anchor they never saw, so `audit verify --anchor` still catches it.
 */
const anchorSchema = z.object({ format: z.literal('opennrm-audit-anchor/1'), seq: z.number().int().min(1), hash: z.string().regex(/^[0-9a-f]{64}$/), at: z.string() });

function readAnchor(file: string): z.infer<typeof anchorSchema> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new CliError(`cannot read the anchor file ${file}`);
  }
  const parsed = anchorSchema.safeParse(raw);
  if (!parsed.success) throw new CliError(`${file} is not an audit anchor`);
  return parsed.data;
}

export function registerAuditCommands(program: Command, ctx: CliContext): void {
  const audit = program.command('audit').description('The hash-chained audit trail');
  audit
    .command('verify')
    .description('Check every link of the audit chain; exit 1 and name the first broken link if any')
    .option('--anchor <file...>', 'also check that the chain still passes through these anchors (see `audit anchor`)')
    .action(async (opts: { anchor?: string[] }) => {
      const anchors = (opts.anchor ?? []).map((file) => ({ file, ...readAnchor(file) }));
      const config = configFor(ctx);
      await withApp(config, quietLogger(config), async (app) => {
        const result = await verifyAuditChain(app.store.db, { onProgress: progressBar(ctx.io, 'verifying') });
        if (result.broken) {
          const b = result.broken;
          const extra = b.reason === 'sequence_gap' ? ` (expected ${b.expectedSeq})` : '';
          throw new CliError(`audit chain BROKEN at event seq ${b.seq}: ${b.reason}${extra}; ${result.checked} events before it are intact`);
        }
        for (const anchor of anchors) {
          const event = await auditEventAt(app.store.db, anchor.seq);
          if (!event || event.hash !== anchor.hash) {
            throw new CliError(`audit chain REWRITTEN: event seq ${anchor.seq} no longer has the hash anchored in ${anchor.file} on ${anchor.at}`);
          }
        }
        const anchored = anchors.length ? `, through ${anchors.length} anchor(s)` : '';
        ctx.io.out(`audit chain OK: ${result.checked} events verified${result.headSeq ? `, head seq ${result.headSeq}` : ''}${anchored}`);
      });
    });
  audit
    .command('anchor')
    .description('Print (or write to --out) the head of the audit chain, to keep outside the database')
    .option('--out <file>', 'write the anchor to this new file')
    .action(async (opts: { out?: string }) => {
      const config = configFor(ctx);
      await withApp(config, quietLogger(config), async (app) => {
        const result = await verifyAuditChain(app.store.db);
        if (result.broken) throw new CliError(`audit chain BROKEN at event seq ${result.broken.seq}: refusing to anchor it`);
        const head = result.headSeq ? await auditEventAt(app.store.db, result.headSeq) : undefined;
        if (!head) throw new CliError('the audit chain is empty: nothing to anchor');
        const anchor = JSON.stringify({ format: 'opennrm-audit-anchor/1', seq: head.seq, hash: head.hash, at: head.at });
        if (opts.out) writeFileSync(opts.out, `${anchor}\n`, { flag: 'wx' });
        ctx.io.out(anchor);
      });
    });
}
