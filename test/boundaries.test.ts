import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findBoundaryViolations } from '../scripts/check-boundaries.js';

describe('layer boundaries (DESIGN.md §3)', () => {
  it('hold in src/', () => {
    expect(findBoundaryViolations(resolve(import.meta.dirname, '..', 'src'))).toEqual([]);
  });

  it('are really checked: a domain file importing the store is caught', () => {
    const dir = mkdtempSync(join(tmpdir(), 'boundaries-'));
    try {
      mkdirSync(join(dir, 'domain'));
      mkdirSync(join(dir, 'store'));
      writeFileSync(join(dir, 'store', 'x.store.ts'), 'export const x = 1;\n');
      writeFileSync(join(dir, 'domain', 'y.ts'), "import { x } from '../store/x.store.js';\nconsole.log(x);\n");
      const found = findBoundaryViolations(dir).map((v) => v.rule);
      expect(found).toEqual(expect.arrayContaining(['domain may import only shared, domain', expect.stringContaining('console')]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
