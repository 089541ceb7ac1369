import type { OrganisationType } from './orgs/org.schema.js';
import type { Role } from './users/user.schema.js';
import type { Purpose } from './common.schema.js';

/** A signed-in person acting through the API. */
export interface UserActor {
  readonly kind: 'user';
  readonly userId: string;
  readonly organisationId: string;
  readonly organisationType: OrganisationType;
  readonly role: Role;
  readonly sessionId: string;
  readonly requestId: string;
  readonly purpose: Purpose;
}

/** The operator at the server's console (`opennrm` CLI) or the start-up seeding: audited by name. */
export interface SystemActor {
  readonly kind: 'system';
  readonly name: string;
  readonly requestId: string;
  readonly purpose: Purpose;
}

/** Someone not yet signed in (a login attempt). */
export interface AnonymousActor {
  readonly kind: 'anonymous';
  readonly requestId: string;
  readonly purpose: Purpose;
}

export type Actor = UserActor | SystemActor | AnonymousActor;
