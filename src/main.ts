/** Process entry point of the `opennrm` command. Nothing imports this file. */
import { runCli } from './cli/program.js';

// Everything this process creates (database, WAL, backups, the development secret) is readable by its owner only.
process.umask(0o077);

process.exitCode = await runCli(process.argv);
