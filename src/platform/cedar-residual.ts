import type * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { simplifyScope, type ScopeExpr } from '../domain/policy/scope.js';

/**
 * Translates what Cedar's partial evaluation leaves of the policy (residual policies over an unknown resource)
 * into a ScopeExpr. Only the constructs a SQL filter can express exactly are accepted; anything else throws, so a
 * deployment policy that lists could not honour fails at start-up and in `opennrm policy check`, never silently.
 */
export class UnsupportedPolicyError extends Error {
  override readonly name = 'UnsupportedPolicyError';
}

type Json = Record<string, unknown>;

function isUnknownResource(expr: unknown): boolean {
  const unknown = (expr as Json | null)?.unknown;
  return Array.isArray(unknown) && (unknown[0] as Json | undefined)?.Value === 'resource';
}

/** `resource.attr` -> 'attr'; the resource itself -> '__id'; anything else -> undefined. */
function resourceAttr(expr: unknown): string | undefined {
  if (isUnknownResource(expr)) return '__id';
  const dot = (expr as Json | null)?.['.'] as Json | undefined;
  if (dot && isUnknownResource(dot.left) && typeof dot.attr === 'string') return dot.attr;
  return undefined;
}

/** A literal: an entity (by id) or a primitive. */
function literal(expr: unknown): string | number | boolean | undefined {
  const value = (expr as Json | null)?.Value as unknown;
  if (value === undefined) return undefined;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  const entity = (value as Json | null)?.__entity as { id?: unknown } | undefined;
  return typeof entity?.id === 'string' ? entity.id : undefined;
}

function comparison(left: unknown, right: unknown): ScopeExpr {
  const [attr, value] = resourceAttr(left) !== undefined ? [resourceAttr(left), literal(right)] : [resourceAttr(right), literal(left)];
  if (attr !== undefined && value !== undefined) return { op: 'eq', attr, value };
  const a = literal(left);
  const b = literal(right);
  if (a !== undefined && b !== undefined) return { op: 'const', value: a === b };
  throw new UnsupportedPolicyError(`cannot filter on the comparison ${JSON.stringify({ left, right }).slice(0, 200)}`);
}

function binary(node: unknown): { left: unknown; right: unknown } {
  return node as { left: unknown; right: unknown };
}

export function exprToScope(expr: unknown, resourceType: string): ScopeExpr {
  const node = expr as Json;
  if (node === null || typeof node !== 'object') throw new UnsupportedPolicyError('empty expression');
  if ('Value' in node && typeof node.Value === 'boolean') return { op: 'const', value: node.Value };
  if ('&&' in node) {
    const { left, right } = binary(node['&&']);
    return { op: 'and', args: [exprToScope(left, resourceType), exprToScope(right, resourceType)] };
  }
  if ('||' in node) {
    const { left, right } = binary(node['||']);
    return { op: 'or', args: [exprToScope(left, resourceType), exprToScope(right, resourceType)] };
  }
  if ('!' in node) return { op: 'not', arg: exprToScope((node['!'] as { arg: unknown }).arg, resourceType) };
  if ('is' in node) {
    const is = node.is as { left: unknown; entity_type: string; in?: unknown };
    if (!isUnknownResource(is.left) || is.in !== undefined) throw new UnsupportedPolicyError('only `resource is Type` is supported');
    return { op: 'const', value: is.entity_type === resourceType };
  }
  if ('==' in node) {
    const { left, right } = binary(node['==']);
    return comparison(left, right);
  }
  if ('!=' in node) {
    const { left, right } = binary(node['!=']);
    return { op: 'not', arg: comparison(left, right) };
  }
  if ('has' in node) {
    const has = node.has as { left: unknown; attr: unknown };
    if (isUnknownResource(has.left) && typeof has.attr === 'string') return { op: 'has', attr: has.attr };
  }
  if ('contains' in node) {
    const { left, right } = binary(node.contains);
    const attr = resourceAttr(left);
    const value = literal(right);
    if (attr !== undefined && attr !== '__id' && typeof value === 'string') return { op: 'contains', attr, value };
  }
  throw new UnsupportedPolicyError(`cannot filter on ${Object.keys(node).join(',')}`);
}

function policyToScope(policy: cedar.PolicyJson, resourceType: string): ScopeExpr {
  for (const head of [policy.principal, policy.action, policy.resource]) {
    if (head.op !== 'All') throw new UnsupportedPolicyError('residual policy with a constrained head');
  }
  const clauses = policy.conditions.map((c): ScopeExpr => {
    const body = exprToScope(c.body, resourceType);
    return c.kind === 'when' ? body : { op: 'not', arg: body };
  });
  return { op: 'and', args: clauses };
}

/** Permits or'ed, forbids subtracted: Cedar's "deny unless some permit and no forbid". */
export function residualToScope(response: cedar.ResidualResponse, resourceType: string): ScopeExpr {
  if (response.decision !== null) return { op: 'const', value: response.decision === 'allow' };
  const permits: ScopeExpr[] = [];
  const forbids: ScopeExpr[] = [];
  for (const policy of Object.values(response.residuals)) {
    (policy.effect === 'permit' ? permits : forbids).push(policyToScope(policy, resourceType));
  }
  return simplifyScope({ op: 'and', args: [{ op: 'or', args: permits }, { op: 'not', arg: { op: 'or', args: forbids } }] });
}
