import * as cedar from '@cedar-policy/cedar-wasm/nodejs';

/**
 * Which resource types' decisions do not depend on the resource's own id. A Cedar decision is a pure function of
 * its request; when no policy that can apply to a type compares or tests the resource itself (only its attributes),
 * two requests that differ only in the resource's id get the same answer, and one decision can serve both. That
 * is what makes caching decisions exact: a caseworker reading her hundred assigned cases asks Cedar once.
 */
export function cacheableResourceTypes(policyText: string, resourceTypes: readonly string[]): Set<string> {
  const parts = cedar.policySetTextToParts(policyText);
  if (parts.type !== 'success') return new Set();
  const cacheable = new Set(resourceTypes);
  for (const text of parts.policies) {
    const json = cedar.policyToJson(text);
    if (json.type !== 'success') return new Set();
    const policy = json.json;
    const head = policy.resource;
    const appliesTo = head.op === 'is' ? [head.entity_type] : head.op === 'All' ? resourceTypes : null;
    const isIdentityDependent = appliesTo === null || policy.conditions.some((c) => usesResourceItself(c.body));
    if (!isIdentityDependent) continue;
    for (const type of appliesTo ?? resourceTypes) cacheable.delete(type);
  }
  return cacheable;
}

const ATTRIBUTE_ACCESS = new Set(['.', 'has', 'is', 'getTag', 'hasTag']);

/** True when `resource` appears as a value (compared, tested for membership, put in a set), not only as `resource.x`. */
function usesResourceItself(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(usesResourceItself);
  if (node === null || typeof node !== 'object') return false;
  const obj = node as Record<string, unknown>;
  if (obj.Var === 'resource') return true;
  return Object.entries(obj).some(([key, value]) => {
    if (ATTRIBUTE_ACCESS.has(key) && value !== null && typeof value === 'object') {
      const { left, ...rest } = value as Record<string, unknown>;
      const leftIsResource = (left as Record<string, unknown> | undefined)?.Var === 'resource';
      return (!leftIsResource && usesResourceItself(left)) || usesResourceItself(rest);
    }
    return usesResourceItself(value);
  });
}

/** A small least-recently-used map. */
export class LruCache<V> {
  private readonly map = new Map<string, V>();

  constructor(private readonly max: number) {}

  get(key: string): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }
}
