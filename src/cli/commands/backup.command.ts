import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { openStore, storeTargetFor } from '../../store/connect.js';
import { configFor, type CliContext } from '../context.js';
import { CliError, progressBar } from '../io.js';

export function registerBackupCommand(program: Command, ctx: CliContext): void {
  program
    .command('backup')
    .description('Write an online, consistent copy of the SQLite database to <file> (PostgreSQL: use pg_dump)')
    .argument('<file>', 'where to write the copy (must not exist)')
    .action(async (file: string) => {
      const config = configFor(ctx);
      const target = storeTargetFor(config);
      if (target.kind === 'postgres') {
        throw new CliError(
          'this deployment runs on PostgreSQL: back it up with pg_dump, e.g.\n' +
            '  pg_dump --format=custom --file=opennrm-$(date +%F).dump "$DATABASE_URL"\n' +
            'and restore with pg_restore --clean --dbname="$DATABASE_URL" <file>. Keep dumps encrypted: they hold personal data.',
        );
      }
      const destination = resolve(file);
      if (existsSync(destination)) throw new CliError(`${destination} exists; choose a new file`);
      if (!existsSync(target.file)) throw new CliError(`no database at ${target.file}`);
      const store = openStore(target);
      try {
        const draw = progressBar(ctx.io, 'backing up');
        // SQLite's online backup API: a consistent snapshot while the server keeps writing.
        await store.sqlite?.backup(destination, {
          progress: ({ totalPages, remainingPages }) => {
            draw(totalPages - remainingPages, totalPages);
            return 200;
          },
        });
        ctx.io.out(`backup written to ${destination}`);
      } finally {
        await store.close();
      }
    });
}
