/** Process entry point of the `opennrm` command. Nothing imports this file. */
import { runCli } from './cli/program.js';

process.exitCode = await runCli(process.argv);
