/**
 * The import rules of DESIGN.md §3, checked on every file of src/ (tests excepted, they may reach anywhere):
 * shared <- domain <- {store, http, cli}; stats/ and linkage/ import only shared/; nothing imports main.ts.
 * Run: npm run check:boundaries (the test suite runs it too).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Which top-level folders (or root files) of src/ each layer may import. */
const ALLOWED: Record<string, readonly string[]> = {
  shared: ['shared'],
  config: ['config'],
  log: ['log'],
  domain: ['shared', 'domain'],
  stats: ['shared', 'stats'],
  linkage: ['shared', 'linkage'],
  platform: ['shared', 'domain', 'platform'],
  store: ['shared', 'domain', 'store'],
  http: ['shared', 'domain', 'log', 'http'],
  cli: ['shared', 'domain', 'store', 'http', 'config', 'log', 'platform', 'app.ts', 'cli'],
  'app.ts': ['shared', 'domain', 'store', 'http', 'config', 'log', 'platform'],
  'main.ts': ['cli'],
};

export interface Violation {
  readonly file: string;
  readonly imports: string;
  readonly rule: string;
}

function layerOf(srcRelative: string): string {
  const [first] = srcRelative.split('/');
  return first ?? srcRelative;
}

function* sourceFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) yield* sourceFiles(full);
    else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name)) yield full;
  }
}

export function findBoundaryViolations(srcDir: string): Violation[] {
  const violations: Violation[] = [];
  for (const file of sourceFiles(srcDir)) {
    const from = relative(srcDir, file);
    const layer = layerOf(from);
    const allowed = ALLOWED[layer];
    const text = readFileSync(file, 'utf8');
    if (layer !== 'main.ts' && /\bconsole\.(log|info|debug|warn|error)\(/.test(text)) {
      violations.push({ file: from, imports: 'console', rule: 'use the logger (it redacts personal data), not console' });
    }
    for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)) {
      const spec = match[1] ?? '';
      if (!spec.startsWith('.')) continue;
      const target = relative(srcDir, resolve(dirname(file), spec)).replace(/\.js$/, '.ts');
      if (target.startsWith('..')) {
        violations.push({ file: from, imports: spec, rule: 'src/ must not import from outside src/' });
        continue;
      }
      const targetLayer = layerOf(target);
      if (targetLayer === 'main.ts') violations.push({ file: from, imports: spec, rule: 'nothing imports main.ts' });
      else if (!allowed) violations.push({ file: from, imports: spec, rule: `unknown layer ${layer}: add it to ALLOWED` });
      else if (!allowed.includes(targetLayer)) violations.push({ file: from, imports: spec, rule: `${layer} may import only ${allowed.join(', ')}` });
    }
  }
  return violations;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const src = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src');
  const violations = findBoundaryViolations(src);
  for (const v of violations) process.stderr.write(`${v.file}: imports ${v.imports}: ${v.rule}\n`);
  process.stdout.write(violations.length === 0 ? 'boundaries OK\n' : `${violations.length} boundary violations\n`);
  process.exitCode = violations.length === 0 ? 0 : 1;
}
