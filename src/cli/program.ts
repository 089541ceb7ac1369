import { Command, CommanderError } from 'commander';
import { ConfigError, CONFIG_VARIABLES } from '../config/config.js';
import { VERSION } from '../app.js';
import type { CliContext } from './context.js';
import { CliError, processIo, type CliIo } from './io.js';
import { registerAdminCommands } from './commands/admin.command.js';
import { registerAuditCommands } from './commands/audit.command.js';
import { registerBackupCommand } from './commands/backup.command.js';
import { registerPolicyCommands } from './commands/policy.command.js';
import { registerRetentionCommands } from './commands/retention.command.js';
import { registerKeysCommands } from './commands/keys.command.js';
import { registerServeCommands } from './commands/serve.command.js';

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('opennrm')
    .description('OpenNRM: a national referral mechanism for victims of trafficking, smuggling and forced labour')
    .version(VERSION)
    .showHelpAfterError()
    .addHelpText('after', `\nConfiguration comes from the environment: ${CONFIG_VARIABLES.join(', ')}.\nSee README.md.`)
    // Set before the subcommands are added, which inherit both.
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.io.out(s.trimEnd()), writeErr: (s) => ctx.io.err(s.trimEnd()) });
  registerServeCommands(program, ctx);
  registerAdminCommands(program, ctx);
  registerAuditCommands(program, ctx);
  registerBackupCommand(program, ctx);
  registerPolicyCommands(program, ctx);
  registerRetentionCommands(program, ctx);
  registerKeysCommands(program, ctx);
  return program;
}

/** Runs the CLI; returns the exit code. 0 success, 1 failure, 2 usage error. */
export async function runCli(argv: readonly string[], io: CliIo = processIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const program = buildProgram({ io, env });
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof CliError) {
      io.err(`error: ${error.message}`);
      return error.exitCode;
    }
    if (error instanceof ConfigError) {
      io.err(`error: ${error.message}`);
      return 1;
    }
    io.err(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
