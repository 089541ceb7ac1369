/** Process entry point of the `opennrm` command. Nothing imports this file. */
import { runCli } from './cli/program.js';

// Everything this process creates (database, WAL, backups, the development secret) is readable by its owner only.
process.umask(0o077);

// `opennrm users list | head` closes our stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await runCli(process.argv);
