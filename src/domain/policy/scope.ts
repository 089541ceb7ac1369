import type { AttrValue } from './policy.model.js';

/**
 * The condition, on the attributes of one resource, under which an action is allowed: what remains of the policy
 * once the principal and action are known (Cedar partial evaluation). The store turns it into a SQL filter; the
 * reference evaluator below gives the same answer on one record, which is what the property tests compare.
 */
export type ScopeExpr =
  | { readonly op: 'const'; readonly value: boolean }
  | { readonly op: 'and' | 'or'; readonly args: readonly ScopeExpr[] }
  | { readonly op: 'not'; readonly arg: ScopeExpr }
  /** resource.attr == value; an entity attribute compares by id */
  | { readonly op: 'eq'; readonly attr: string; readonly value: string | number | boolean }
  /** resource has attr (optional attributes) */
  | { readonly op: 'has'; readonly attr: string }
  /** resource.attr (a set of entities) contains the entity with this id */
  | { readonly op: 'contains'; readonly attr: string; readonly value: string };

export const ALLOW_ALL: ScopeExpr = { op: 'const', value: true };
export const DENY_ALL: ScopeExpr = { op: 'const', value: false };

export function isDenyAll(expr: ScopeExpr): boolean {
  return expr.op === 'const' && !expr.value;
}

function scalar(value: AttrValue | undefined): string | number | boolean | undefined {
  if (value === undefined || Array.isArray(value)) return undefined;
  return typeof value === 'object' ? (value as { id: string }).id : (value as string | number | boolean);
}

/** Evaluates a scope on one resource's attributes. */
export function evaluateScope(expr: ScopeExpr, attrs: Readonly<Record<string, AttrValue>>): boolean {
  switch (expr.op) {
    case 'const':
      return expr.value;
    case 'and':
      return expr.args.every((a) => evaluateScope(a, attrs));
    case 'or':
      return expr.args.some((a) => evaluateScope(a, attrs));
    case 'not':
      return !evaluateScope(expr.arg, attrs);
    case 'eq':
      return scalar(attrs[expr.attr]) === expr.value;
    case 'has':
      return attrs[expr.attr] !== undefined;
    case 'contains': {
      const set = attrs[expr.attr];
      return Array.isArray(set) && set.some((e) => e.id === expr.value);
    }
  }
}

/** Folds constants so that "deny everything" and "allow everything" are recognisable. */
export function simplifyScope(expr: ScopeExpr): ScopeExpr {
  if (expr.op === 'not') {
    const arg = simplifyScope(expr.arg);
    return arg.op === 'const' ? { op: 'const', value: !arg.value } : { op: 'not', arg };
  }
  if (expr.op !== 'and' && expr.op !== 'or') return expr;
  const absorbing = expr.op === 'or';
  const args: ScopeExpr[] = [];
  for (const a of expr.args.map(simplifyScope)) {
    if (a.op === 'const') {
      if (a.value === absorbing) return a;
      continue;
    }
    args.push(a);
  }
  if (args.length === 0) return { op: 'const', value: !absorbing };
  const kept = expr.op === 'or' ? absorb(args) : args;
  return kept.length === 1 ? (kept[0] as ScopeExpr) : { op: expr.op, args: kept };
}

/**
 * Absorption, `A or (A and B)` = `A`: a supervisor's scope "own organisation, or own organisation with emergency
 * access" becomes "own organisation", which the database answers from an index instead of a scan.
 */
function absorb(args: readonly ScopeExpr[]): ScopeExpr[] {
  const keys = args.map((a) => JSON.stringify(a));
  return args.filter((a) => a.op !== 'and' || !a.args.some((inner) => keys.includes(JSON.stringify(inner))));
}
