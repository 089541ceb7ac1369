import type { Command } from 'commander';
import { createHttpServer, openApp, type App } from '../../app.js';
import { createLogger } from '../../log/logger.js';
import { configFor, type CliContext } from '../context.js';
import { consoleActor } from '../io.js';
import { createDemoDeployment, DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_USERS, isEmptyDeployment } from '../demo-deployment.js';

async function listen(app: App, ctx: CliContext, banner?: string[]): Promise<void> {
  const server = await createHttpServer(app);
  const address = await server.listen({ port: app.config.port, host: app.config.host });
  const url = address.replace('[::1]', 'localhost');
  app.logger.info({ category: 'server', url, database: app.store.description, mode: app.config.mode }, 'OpenNRM is serving');
  ctx.io.err(`\nOpenNRM is serving at ${url}  (API: ${url}/api/v1, OpenAPI: ${url}/api/v1/openapi.json)`);
  for (const line of banner ?? []) ctx.io.err(line);
  let isClosing = false;
  const shutdown = async (signal: string) => {
    if (isClosing) return;
    isClosing = true;
    app.logger.info({ category: 'server', signal }, 'shutting down');
    await server.close();
    await app.close();
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

function demoBanner(): string[] {
  return [
    '',
    '  *** DEMO DEPLOYMENT: fictitious data, well-known passwords and second factor. Never put real people in it. ***',
    `  Sign in with any of these usernames and the password "${DEMO_PASSWORD}":`,
    ...DEMO_USERS.map((u) => `    ${u.username.padEnd(18)} ${u.role.padEnd(13)} ${(u.hasTotp ? '2FA' : '').padEnd(4)} ${u.displayName}`),
    `  Accounts marked 2FA then ask for a TOTP code: add the demo secret ${DEMO_TOTP_SECRET} to any`,
    '  authenticator app, or print the current code with: npx opennrm demo code <username>',
    '',
  ];
}

export function registerServeCommands(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('Serve OpenNRM in production mode: requires OPENNRM_SESSION_SECRET, never creates demo accounts')
    .action(async () => {
      const config = configFor(ctx, 'production');
      const logger = createLogger({ level: config.logLevel });
      const app = await openApp(config, { logger });
      if (await app.deps.uow.read((r) => r.meta.get('demo'))) {
        logger.warn({ category: 'server' }, 'this database holds a demo deployment with well-known passwords');
      }
      await listen(app, ctx);
    });

  program
    .command('start')
    .description('Run OpenNRM for a try-out: on an empty database, creates a demo deployment first (not in production)')
    .action(async () => {
      const config = configFor(ctx);
      const logger = createLogger({ level: config.logLevel });
      const app = await openApp(config, { logger });
      if (config.mode === 'production') return listen(app, ctx);
      if (await isEmptyDeployment(app)) {
        const summary = await createDemoDeployment(app, consoleActor());
        logger.info({ category: 'demo', organisations: summary.organisations.length, users: summary.users.length, cases: summary.cases }, 'demo deployment created');
      }
      const isDemo = (await app.deps.uow.read((r) => r.meta.get('demo'))) === 'true';
      return listen(app, ctx, isDemo ? demoBanner() : undefined);
    });
}
