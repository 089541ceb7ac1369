import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AttrValue } from './policy.model.js';
import { evaluateScope, simplifyScope, type ScopeExpr } from './scope.js';

const leaf: fc.Arbitrary<ScopeExpr> = fc.oneof(
  fc.constantFrom('a', 'b').map((attr): ScopeExpr => ({ op: 'eq', attr, value: 'x' })),
  fc.constantFrom('a', 'b').map((attr): ScopeExpr => ({ op: 'has', attr })),
  fc.boolean().map((value): ScopeExpr => ({ op: 'const', value })),
  fc.constant<ScopeExpr>({ op: 'contains', attr: 's', value: 'u' }),
);
const expr: fc.Arbitrary<ScopeExpr> = fc.letrec<{ e: ScopeExpr }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ op: fc.constantFrom('and' as const, 'or' as const), args: fc.array(tie('e'), { maxLength: 3 }) }),
    tie('e').map((arg): ScopeExpr => ({ op: 'not', arg })),
  ),
})).e;
const attrs: fc.Arbitrary<Record<string, AttrValue>> = fc.record(
  { a: fc.constantFrom('x', 'y'), b: fc.constantFrom('x', 'y'), s: fc.constantFrom<AttrValue>([], [{ type: 'User', id: 'u' }]) },
  { requiredKeys: ['s'] },
);

describe('scope simplification', () => {
  it('never changes what a scope allows', () => {
    fc.assert(
      fc.property(expr, attrs, (e, a) => {
        expect(evaluateScope(simplifyScope(e), a)).toBe(evaluateScope(e, a));
      }),
      { numRuns: 2000 },
    );
  });

  it('absorbs "A or (A and B)" into "A"', () => {
    const own: ScopeExpr = { op: 'eq', attr: 'organisation', value: 'o1' };
    const withGrant: ScopeExpr = { op: 'and', args: [own, { op: 'contains', attr: 'breakGlassUsers', value: 'u1' }] };
    expect(simplifyScope({ op: 'or', args: [own, withGrant] })).toEqual(own);
  });
});
