import type { Command } from 'commander';
import { verifyAuditChain } from '../../store/audit.store.js';
import { configFor, quietLogger, withApp, type CliContext } from '../context.js';
import { CliError, progressBar } from '../io.js';

export function registerAuditCommands(program: Command, ctx: CliContext): void {
  const audit = program.command('audit').description('The hash-chained audit trail');
  audit
    .command('verify')
    .description('Check every link of the audit chain; exit 1 and name the first broken link if any')
    .action(async () => {
      const config = configFor(ctx);
      await withApp(config, quietLogger(config), async (app) => {
        const result = await verifyAuditChain(app.store.db, { onProgress: progressBar(ctx.io, 'verifying') });
        if (result.broken) {
          const b = result.broken;
          const extra = b.reason === 'sequence_gap' ? ` (expected ${b.expectedSeq})` : '';
          throw new CliError(`audit chain BROKEN at event seq ${b.seq}: ${b.reason}${extra}; ${result.checked} events before it are intact`);
        }
        ctx.io.out(`audit chain OK: ${result.checked} events verified${result.headSeq ? `, head seq ${result.headSeq}` : ''}`);
      });
    });
}
