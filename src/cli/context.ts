import { loadConfig, type Config, type Mode } from '../config/config.js';
import { createLogger, type Logger } from '../log/logger.js';
import { openApp, type App } from '../app.js';
import type { CliIo } from './io.js';

/** What every command gets: its output streams and a way to open the deployment. */
export interface CliContext {
  readonly io: CliIo;
  readonly env: NodeJS.ProcessEnv;
}

export function configFor(ctx: CliContext, mode?: Mode): Config {
  return loadConfig(ctx.env, mode ? { mode } : {});
}

/** Logs of one-shot commands go to stderr, warnings and up, so stdout stays the command's result. */
export function quietLogger(config: Config): Logger {
  return createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel, destination: process.stderr as never });
}

/** Opens the deployment (migrating it), runs `work`, and closes it whatever happens. */
export async function withApp<T>(config: Config, logger: Logger, work: (app: App) => Promise<T>): Promise<T> {
  const app = await openApp(config, { logger });
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}
