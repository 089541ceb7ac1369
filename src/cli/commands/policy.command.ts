import type { Command } from 'commander';
import { runPolicySuite } from '../../domain/policy/policy.suite.js';
import { createCedarPolicyEngine, loadPolicySource, validatePolicySource } from '../../platform/cedar-policy.js';
import { configFor, type CliContext } from '../context.js';
import { CliError } from '../io.js';

export function registerPolicyCommands(program: Command, ctx: CliContext): void {
  const policy = program.command('policy').description('The firewall policy (Cedar)');
  policy
    .command('check')
    .description('Validate a policy against the OpenNRM schema and run the built-in policy test suite against it')
    .option('--file <policy.cedar>', 'the policy to check (default: OPENNRM_POLICY_FILE, else the built-in national policy)')
    .action((opts: { file?: string }) => {
      const file = opts.file ?? configFor(ctx).policyFile;
      let source;
      try {
        source = loadPolicySource(file);
      } catch {
        throw new CliError(`cannot read the policy file ${file ?? '(built-in)'}`);
      }
      const problems = validatePolicySource(source);
      if (problems.length > 0) {
        for (const p of problems) ctx.io.err(`  ${p}`);
        throw new CliError(`${source.origin}: ${problems.length} validation error(s) against the schema`);
      }
      let engine;
      try {
        engine = createCedarPolicyEngine(source);
      } catch (error) {
        throw new CliError(error instanceof Error ? error.message : String(error));
      }
      const result = runPolicySuite(engine);
      for (const f of result.failures) {
        ctx.io.err(`  FAIL${f.isFirewall ? ' [firewall]' : ''}: ${f.name} (expected ${f.expected})${f.error ? `: ${f.error}` : ''}`);
      }
      const firewall = result.failures.filter((f) => f.isFirewall).length;
      if (result.failures.length > 0) {
        throw new CliError(`${source.origin}: ${result.failures.length} of ${result.total} scenarios fail${firewall ? `, ${firewall} of them break the firewall` : ''}`);
      }
      ctx.io.out(`policy OK: ${source.origin} validates against the schema and passes all ${result.total} built-in scenarios`);
    });
}
