import type { Actor } from '../actor.js';
import type { OrganisationType } from '../orgs/org.schema.js';
import type { PolicyEngine } from '../ports.js';
import { DEPLOYMENT, organisationEntity, principalOf, type ActionName, type EntityRef, type EntityType, type PolicyEntity } from './policy.model.js';
import { DENY_ALL, type ScopeExpr } from './scope.js';

/**
 * The one way commands ask the firewall policy. Every question names the actor, the action and the record (or,
 * for lists, the record type); the answer comes from the policy engine and nowhere else.
 */
export function mayOnRecord(
  policy: PolicyEngine,
  actor: Actor,
  action: ActionName,
  resource: readonly PolicyEntity[],
  context?: Readonly<Record<string, string | EntityRef>>,
): boolean {
  const principal = principalOf(actor);
  const target = resource[0];
  if (!principal || !target) return false;
  return policy.isAllowed({
    principal: principal.ref,
    action,
    resource: target.ref,
    entities: [...principal.entities, ...resource],
    ...(context ? { context } : {}),
  });
}

/** Actions on an organisation as a container (register a person, open a case, create a user in it). */
export function mayInOrganisation(
  policy: PolicyEngine,
  actor: Actor,
  action: ActionName,
  org: { id: string; type: OrganisationType },
  context?: Readonly<Record<string, string | EntityRef>>,
): boolean {
  return mayOnRecord(policy, actor, action, [organisationEntity(org)], context);
}

/** Deployment-wide actions (create organisations, read the audit trail). */
export function mayOnDeployment(policy: PolicyEngine, actor: Actor, action: ActionName): boolean {
  const deployment: PolicyEntity = { ref: DEPLOYMENT as EntityRef, attrs: {} };
  return mayOnRecord(policy, actor, action, [deployment]);
}

/** The records of a type the actor may see through `action`, as a condition the store turns into SQL. */
export function scopeFor(policy: PolicyEngine, actor: Actor, action: ActionName, resourceType: EntityType): ScopeExpr {
  const principal = principalOf(actor);
  if (!principal) return DENY_ALL;
  return policy.scope({ principal: principal.ref, action, resourceType, entities: principal.entities });
}
