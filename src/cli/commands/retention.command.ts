import type { Command } from 'commander';
import { runRetention } from '../../domain/retention/retention.commands.js';
import { configFor, quietLogger, withApp, type CliContext } from '../context.js';
import { consoleActor, failWith, progressBar } from '../io.js';

export function registerRetentionCommands(program: Command, ctx: CliContext): void {
  const retention = program.command('retention').description('Retention of identities after cases close');
  retention
    .command('run')
    .description('Anonymise the people whose cases are all closed and past their organisation’s retention period')
    .option('--dry-run', 'count what would be anonymised, change nothing')
    .action(async (opts: { dryRun?: boolean }) => {
      const config = configFor(ctx);
      await withApp(config, quietLogger(config), async (app) => {
        const result = await runRetention(app.deps, consoleActor(), {
          defaultMonths: config.retentionMonths,
          dryRun: opts.dryRun === true,
          onProgress: progressBar(ctx.io, 'anonymising'),
        });
        if (!result.ok) failWith(result.error);
        const r = result.value;
        ctx.io.out(`${r.examined} people with cases examined, ${r.due} past retention, ${opts.dryRun ? 'none changed (dry run)' : `${r.anonymised} anonymised`}`);
      });
    });
}
