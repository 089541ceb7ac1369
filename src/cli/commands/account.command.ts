import type { Command } from 'commander';
import type { App } from '../../app.js';
import { decodeBase32, TOTP_STEP_SECONDS, totpCode } from '../../domain/auth/totp.js';
import type { User } from '../../domain/users/user.schema.js';
import { resetUserSecondFactor, revokeUserSessions } from '../../domain/users/user-account.commands.js';
import { isUuid } from '../../shared/ids.js';
import { configFor, quietLogger, withApp, type CliContext } from '../context.js';
import { DEMO_TOTP_SECRET } from '../demo-deployment.js';
import { CliError, consoleActor, failWith } from '../io.js';

async function resolveUser(app: App, ref: string): Promise<User> {
  const user = await app.deps.uow.read((r) => (isUuid(ref) ? r.users.findById(ref) : r.users.findCredentials(ref.toLowerCase())));
  if (!user) failWith('user.not_found');
  return user;
}

/** `opennrm users revoke-sessions` and `users reset-2fa`: the console operator's account-security tools. */
export function registerUserAccountCommands(users: Command, ctx: CliContext): void {
  users
    .command('revoke-sessions')
    .description('End every session of a user (they must sign in again)')
    .argument('<user>', 'user id or username')
    .action(async (ref: string) => {
      const config = configFor(ctx);
      await withApp(config, quietLogger(config), async (app) => {
        const user = await resolveUser(app, ref);
        const result = await revokeUserSessions(app.deps, consoleActor(), user.id);
        if (!result.ok) failWith(result.error);
        ctx.io.out(`revoked ${result.value.revoked} session(s) of ${result.value.username}`);
      });
    });
  users
    .command('reset-2fa')
    .description('Remove a user’s second factor (lost phone) and end their sessions; they set it up again at next sign-in')
    .argument('<user>', 'user id or username')
    .action(async (ref: string) => {
      const config = configFor(ctx);
      await withApp(config, quietLogger(config), async (app) => {
        const user = await resolveUser(app, ref);
        const result = await resetUserSecondFactor(app.deps, consoleActor(), user.id);
        if (!result.ok) failWith(result.error);
        ctx.io.out(`second factor of ${result.value.username} ${result.value.wasEnabled ? 'removed' : 'was not set up; nothing to remove'}`);
      });
    });
}

/**
 * `opennrm demo code <username>`: the current TOTP code of a demo account, so the demo's two-step sign-in can be
 * tried without a phone. Refused in production, outside a demo deployment, for any account not created as a demo
 * account, and for a demo account whose secret is no longer the published demo secret.
 */
export function registerDemoCodeCommand(demo: Command, ctx: CliContext): void {
  demo
    .command('code')
    .description('Print the current TOTP code of a DEMO account (refused in production and for real accounts)')
    .argument('<username>', 'a demo username, e.g. demo.supervisor')
    .action(async (username: string) => {
      const config = configFor(ctx);
      if (config.mode === 'production') throw new CliError('demo codes are never given in production mode');
      await withApp(config, quietLogger(config), async (app) => {
        const isDemoDeployment = (await app.deps.uow.read((r) => r.meta.get('demo'))) === 'true';
        const user = await app.deps.uow.read((r) => r.users.findCredentials(username.toLowerCase()));
        if (!isDemoDeployment || !user?.isDemo) throw new CliError(`${username} is not a demo account: codes are given for demo accounts only`);
        const totp = await app.deps.uow.read((r) => r.users.findTotp(user.id));
        const key = decodeBase32(DEMO_TOTP_SECRET);
        if (!key || !totp?.enabledAt || totp.secret !== DEMO_TOTP_SECRET) {
          throw new CliError(`${user.username} does not sign in with the demo second factor`);
        }
        const now = app.deps.clock.now();
        const secondsLeft = TOTP_STEP_SECONDS - (Math.floor(now.getTime() / 1000) % TOTP_STEP_SECONDS);
        ctx.io.out(totpCode(key, now));
        ctx.io.err(`code of ${user.username}, current for ${secondsLeft} more second(s); each code signs in once`);
      });
    });
}
