/**
 * Every expected failure has a namespaced code. The HTTP layer maps codes to statuses in one table
 * (src/http/error-table.ts); the CLI prints them. Adding a code here makes the compiler ask for its status there.
 */
export type ErrorCode =
  | 'request.invalid'
  | 'request.malformed_json'
  | 'request.too_large'
  | 'request.unsupported_media_type'
  | 'route.not_found'
  | 'auth.unauthenticated'
  | 'auth.invalid_credentials'
  | 'auth.rate_limited'
  | 'auth.csrf_failed'
  | 'auth.password_too_weak'
  | 'auth.forbidden'
  | 'organisation.not_found'
  | 'organisation.name_taken'
  | 'user.not_found'
  | 'user.username_taken'
  | 'user.role_not_allowed'
  | 'person.not_found'
  | 'person.version_conflict'
  | 'case.not_found'
  | 'case.person_not_found'
  | 'case.assignee_invalid'
  | 'case.version_conflict'
  | 'grant.not_found'
  | 'grant.grantee_not_allowed'
  | 'grant.expiry_invalid'
  | 'grant.not_pending'
  | 'internal';
