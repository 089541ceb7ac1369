import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import type { PolicyEngine } from '../domain/ports.js';
import type { AccessRequest, AttrValue, EntityRef, PolicyEntity, ScopeRequest } from '../domain/policy/policy.model.js';
import { cacheableResourceTypes, LruCache } from './cedar-cache.js';
import { residualToScope } from './cedar-residual.js';

const NAMESPACE = 'OpenNRM';

/** The policy text and its schema, as a deployment has them. */
export interface PolicySource {
  readonly schema: string;
  readonly policies: string;
  /** Where the policies came from, for messages. */
  readonly origin: string;
}

/** The repository's policy folder: next to src/ and dist/ alike. */
export const BUILT_IN_POLICY_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'policy');

/** Reads the schema (always the built-in one: the code speaks its vocabulary) and a policy file. */
export function loadPolicySource(policyFile?: string): PolicySource {
  const file = policyFile ? resolve(policyFile) : join(BUILT_IN_POLICY_DIR, 'national.cedar');
  return {
    schema: readFileSync(join(BUILT_IN_POLICY_DIR, 'opennrm.cedarschema'), 'utf8'),
    policies: readFileSync(file, 'utf8'),
    origin: file,
  };
}

function messages(errors: ReadonlyArray<{ message: string; help?: string | null }>): string[] {
  return errors.map((e) => (e.help ? `${e.message} (${e.help})` : e.message));
}

/** Parses the policies and validates them against the schema (Cedar strict mode). Empty list = valid. */
export function validatePolicySource(source: PolicySource): string[] {
  const parsed = cedar.checkParsePolicySet({ staticPolicies: source.policies });
  if (parsed.type === 'failure') return messages(parsed.errors);
  const answer = cedar.validate({ schema: source.schema, policies: { staticPolicies: source.policies }, validationSettings: { mode: 'strict' } });
  if (answer.type === 'failure') return messages(answer.errors);
  return answer.validationErrors.map((e) => `${e.policyId}: ${e.error.message}`);
}

const uid = (ref: EntityRef) => ({ type: `${NAMESPACE}::${ref.type}`, id: ref.id });

function toCedarValue(value: AttrValue): cedar.CedarValueJson {
  if (Array.isArray(value)) return value.map((v) => ({ __entity: uid(v) }));
  if (typeof value === 'object') return { __entity: uid(value as EntityRef) };
  return value as string | number | boolean;
}

/** Cedar refuses the same entity twice (the principal's and the resource's organisation are often one). */
function toCedarEntities(entities: readonly PolicyEntity[]): cedar.EntityJson[] {
  const seen = new Map<string, cedar.EntityJson>();
  for (const e of entities) {
    const key = `${e.ref.type}\u0000${e.ref.id}`;
    if (seen.has(key)) continue;
    const attrs: Record<string, cedar.CedarValueJson> = {};
    for (const [k, v] of Object.entries(e.attrs)) attrs[k] = toCedarValue(v);
    seen.set(key, { uid: uid(e.ref), attrs, parents: [] });
  }
  return [...seen.values()];
}

/** The same request with the resource's id replaced by a placeholder, in the resource and in its entity. */
function normaliseResource(request: AccessRequest): AccessRequest {
  const placeholder = { type: request.resource.type, id: '~resource' };
  return {
    ...request,
    resource: placeholder,
    entities: request.entities.map((e) => (e.ref.type === request.resource.type && e.ref.id === request.resource.id ? { ...e, ref: placeholder } : e)),
  };
}

let instances = 0;

/**
 * The Cedar policy engine. Policies and schema are parsed once (preparsed into the WebAssembly module's cache);
 * a decision then costs about 0.18 ms (`npm run bench`), and decisions are cached by request (see cedar-cache.ts).
 * Scopes use Cedar's partial evaluation with the resource unknown, cached per principal and action because they
 * depend on nothing else.
 */
export function createCedarPolicyEngine(source: PolicySource): PolicyEngine {
  const problems = validatePolicySource(source);
  if (problems.length > 0) throw new Error(`invalid policy ${source.origin}: ${problems.join('; ')}`);
  instances += 1;
  const policySetId = `opennrm-${instances}`;
  const schemaName = `opennrm-schema-${instances}`;
  const setAnswer = cedar.preparsePolicySet(policySetId, { staticPolicies: source.policies });
  const schemaAnswer = cedar.preparseSchema(schemaName, source.schema);
  if (setAnswer.type === 'failure' || schemaAnswer.type === 'failure') throw new Error(`could not load policy ${source.origin}`);

  const scopeCache = new LruCache<ReturnType<PolicyEngine['scope']>>(5000);
  const cacheable = cacheableResourceTypes(source.policies, ['Case', 'Person', 'User', 'Organisation', 'Deployment'].map((t) => `${NAMESPACE}::${t}`));
  const decisions = new LruCache<boolean>(20_000);

  function decide(request: AccessRequest): boolean {
    const answer = cedar.statefulIsAuthorized({
      principal: uid(request.principal),
      action: { type: `${NAMESPACE}::Action`, id: request.action },
      resource: uid(request.resource),
      context: Object.fromEntries(Object.entries(request.context ?? {}).map(([k, v]) => [k, toCedarValue(v)])),
      entities: toCedarEntities(request.entities),
      preparsedPolicySetId: policySetId,
      preparsedSchemaName: schemaName,
      validateRequest: true,
    });
    // A malformed request is a bug in the caller: fail loudly rather than guess (and never allow).
    if (answer.type === 'failure') throw new Error(`policy request rejected: ${messages(answer.errors).join('; ')}`);
    return answer.response.decision === 'allow';
  }

  return {
    isAllowed(request: AccessRequest): boolean {
      // A decision is a pure function of the whole request, so the same request always gets the same answer.
      // Where the policies never look at the resource's own id (cacheableResourceTypes), the key leaves it out.
      const keyed = cacheable.has(`${NAMESPACE}::${request.resource.type}`) ? normaliseResource(request) : request;
      const key = JSON.stringify(keyed);
      const cached = decisions.get(key);
      if (cached !== undefined) return cached;
      const decision = decide(keyed);
      decisions.set(key, decision);
      return decision;
    },
    scope(request: ScopeRequest) {
      const principal = request.entities.find((e) => e.ref.type === request.principal.type && e.ref.id === request.principal.id);
      const key = `${request.action}\u0000${request.resourceType}\u0000${JSON.stringify(principal ?? request.principal)}`;
      const cached = scopeCache.get(key);
      if (cached) return cached;
      const answer = cedar.isAuthorizedPartial({
        principal: uid(request.principal),
        action: { type: `${NAMESPACE}::Action`, id: request.action },
        resource: null,
        context: {},
        entities: toCedarEntities(request.entities),
        policies: { staticPolicies: source.policies },
        schema: source.schema,
        validateRequest: false,
      });
      if (answer.type === 'failure') throw new Error(`policy scope failed: ${messages(answer.errors).join('; ')}`);
      const scope = residualToScope(answer.response, `${NAMESPACE}::${request.resourceType}`);
      scopeCache.set(key, scope);
      return scope;
    },
  };
}
