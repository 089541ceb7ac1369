import { randomBytes } from 'node:crypto';
import { InvalidArgumentError, type Command } from 'commander';
import type { z } from 'zod';
import { createOrganisation, listOrganisations } from '../../domain/orgs/org.commands.js';
import { ORGANISATION_TYPES, organisationCreateSchema } from '../../domain/orgs/org.schema.js';
import { createUser, disableUser, listUsers } from '../../domain/users/user.commands.js';
import { ROLES, userCreateSchema } from '../../domain/users/user.schema.js';
import { isUuid } from '../../shared/ids.js';
import type { App } from '../../app.js';
import { configFor, quietLogger, withApp, type CliContext } from '../context.js';
import { CliError, consoleActor, failWith } from '../io.js';
import { createDemoDeployment, DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_USERS, isEmptyDeployment } from '../demo-deployment.js';
import { registerDemoCodeCommand, registerUserAccountCommands } from './account.command.js';

/** Validates CLI input with the same zod schema as the API. */
function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new CliError(`invalid input: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function resolveOrganisationId(app: App, ref: string): Promise<string> {
  const org = await app.deps.uow.read((r) => (isUuid(ref) ? r.organisations.findById(ref) : r.organisations.findByName(ref)));
  if (!org) failWith('organisation.not_found');
  return org.id;
}

/**
 * A random password for `users create` without --password-stdin: 144 bits in base64url. Drawn again in the
 * (rare) case it happens to contain the username, which the password policy would refuse.
 */
function generatePassword(username: string): string {
  for (;;) {
    const candidate = randomBytes(18).toString('base64url');
    if (!candidate.toLowerCase().includes(username.trim().toLowerCase())) return candidate;
  }
}

const oneOf = (values: readonly string[]) => (value: string) => {
  if (!values.includes(value)) throw new InvalidArgumentError(`one of: ${values.join(', ')}`);
  return value;
};

export function registerAdminCommands(program: Command, ctx: CliContext): void {
  program
    .command('migrate')
    .description('Apply pending database migrations, then encrypt identity fields still in plaintext (both also run at start-up)')
    .action(async () => {
      const config = configFor(ctx);
      await withApp(config, quietLogger(config), async (app) => {
        const { migrations, sealed } = app.startup;
        ctx.io.out(migrations.applied.length ? `applied: ${migrations.applied.join(', ')}` : `up to date (${migrations.total} migrations)`);
        if (sealed && sealed.values > 0) ctx.io.out(`encrypted ${sealed.values} plaintext values of ${sealed.persons} people and ${sealed.notes} notes`);
      });
    });

  const orgs = program.command('orgs').description('Organisations');
  orgs
    .command('create')
    .description('Create an organisation')
    .requiredOption('--name <name>', 'organisation name')
    .requiredOption('--type <type>', `one of: ${ORGANISATION_TYPES.join(', ')}`, oneOf(ORGANISATION_TYPES))
    .option('--country <code>', 'ISO 3166-1 alpha-2 country code')
    .action(async (opts: { name: string; type: string; country?: string }) => {
      const input = parseWith(organisationCreateSchema, opts);
      const config = configFor(ctx);
      await withApp(config, quietLogger(config), async (app) => {
        const result = await createOrganisation(app.deps, consoleActor(), input);
        if (!result.ok) failWith(result.error);
        ctx.io.out(`${result.value.id}\t${result.value.type}\t${result.value.name}`);
      });
    });
  orgs
    .command('list')
    .description('List organisations (id, type, name)')
    .action(async () => {
      const config = configFor(ctx);
      await withApp(config, quietLogger(config), async (app) => {
        let cursor: string | undefined;
        do {
          const result = await listOrganisations(app.deps, consoleActor(), { limit: 100, cursor });
          if (!result.ok) failWith(result.error);
          for (const o of result.value.items) ctx.io.out(`${o.id}\t${o.type}\t${o.name}${o.isDemo ? '\t(demo)' : ''}`);
          cursor = result.value.nextCursor ?? undefined;
        } while (cursor);
      });
    });

  const users = program.command('users').description('User accounts');
  users
    .command('create')
    .description('Create a user. The password comes from standard input with --password-stdin, or is generated and printed once')
    .requiredOption('--org <id-or-name>', 'organisation id or exact name')
    .requiredOption('--username <username>', 'sign-in name (3-64 of a-z 0-9 . _ -)')
    .requiredOption('--name <display-name>', 'name shown to colleagues')
    .requiredOption('--role <role>', `one of: ${ROLES.join(', ')}`, oneOf(ROLES))
    .option('--password-stdin', 'read the password from standard input (keeps it out of shell history)')
    .action(async (opts: { org: string; username: string; name: string; role: string; passwordStdin?: boolean }) => {
      const generated = opts.passwordStdin ? undefined : generatePassword(opts.username);
      const password = generated ?? (await readStdin());
      const config = configFor(ctx);
      await withApp(config, quietLogger(config), async (app) => {
        const organisationId = await resolveOrganisationId(app, opts.org);
        const input = parseWith(userCreateSchema, { organisationId, username: opts.username, displayName: opts.name, role: opts.role, password });
        const result = await createUser(app.deps, consoleActor(), input);
        if (!result.ok) failWith(result.error, result.details);
        ctx.io.out(`${result.value.id}\t${result.value.username}\t${result.value.role}`);
        if (generated) ctx.io.err(`password (shown once, pass it on safely): ${generated}`);
      });
    });
  users
    .command('list')
    .description('List users (id, username, role, organisation id, state)')
    .option('--org <id-or-name>', 'only this organisation')
    .action(async (opts: { org?: string }) => {
      const config = configFor(ctx);
      await withApp(config, quietLogger(config), async (app) => {
        const organisationId = opts.org ? await resolveOrganisationId(app, opts.org) : undefined;
        let cursor: string | undefined;
        do {
          const result = await listUsers(app.deps, consoleActor(), { organisationId, limit: 100, cursor });
          if (!result.ok) failWith(result.error);
          for (const u of result.value.items) {
            ctx.io.out(`${u.id}\t${u.username}\t${u.role}\t${u.organisationId}\t${u.isDisabled ? 'disabled' : 'active'}`);
          }
          cursor = result.value.nextCursor ?? undefined;
        } while (cursor);
      });
    });
  users
    .command('disable')
    .description('Disable a user and end their sessions')
    .argument('<user>', 'user id or username')
    .action(async (ref: string) => {
      const config = configFor(ctx);
      await withApp(config, quietLogger(config), async (app) => {
        const user = await app.deps.uow.read((r) => (isUuid(ref) ? r.users.findById(ref) : r.users.findCredentials(ref.toLowerCase())));
        if (!user) failWith('user.not_found');
        const result = await disableUser(app.deps, consoleActor(), user.id);
        if (!result.ok) failWith(result.error);
        ctx.io.out(`disabled ${result.value.username}`);
      });
    });

  registerUserAccountCommands(users, ctx);

  const demo = program
    .command('demo')
    .description('Create the demo deployment (fictitious organisations, users, people) in an empty database; not in production')
    .action(async () => {
      const config = configFor(ctx);
      if (config.mode === 'production') throw new CliError('the demo deployment is never created in production mode');
      await withApp(config, quietLogger(config), async (app) => {
        if (!(await isEmptyDeployment(app))) throw new CliError('the database already holds organisations; the demo needs an empty one');
        const summary = await createDemoDeployment(app, consoleActor());
        ctx.io.out(`demo deployment: ${summary.organisations.length} organisations, ${summary.users.length} users, ${summary.cases} cases`);
        ctx.io.out(`every demo user's password: ${DEMO_PASSWORD}`);
        ctx.io.out(`demo TOTP secret of the accounts marked 2FA: ${DEMO_TOTP_SECRET} (or: opennrm demo code <username>)`);
        for (const u of summary.users) {
          const hasTotp = DEMO_USERS.find((d) => d.username === u.username)?.hasTotp ?? false;
          ctx.io.out(`  ${u.username}\t${u.role}${hasTotp ? '\t2FA' : ''}`);
        }
      });
    });
  registerDemoCodeCommand(demo, ctx);
}
