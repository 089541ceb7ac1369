import type { ErrorCode } from '../shared/errors.js';

/**
 * One table from error code to HTTP status and the message users see. Messages never quote input values.
 * Protected records answer 404 whether they are missing or forbidden.
 */
export const ERROR_TABLE: Record<ErrorCode, { readonly status: number; readonly message: string }> = {
  'request.invalid': { status: 400, message: 'The request is not valid.' },
  'request.malformed_json': { status: 400, message: 'The request body is not valid JSON.' },
  'request.too_large': { status: 413, message: 'The request body is too large.' },
  'request.unsupported_media_type': { status: 415, message: 'Send the request body as application/json.' },
  'route.not_found': { status: 404, message: 'There is nothing at this address.' },
  'auth.unauthenticated': { status: 401, message: 'Sign in to continue.' },
  'auth.invalid_credentials': { status: 401, message: 'The username or password is not right, or the account cannot sign in.' },
  'auth.rate_limited': { status: 429, message: 'Too many sign-in attempts. Wait a minute and try again.' },
  'auth.csrf_failed': { status: 403, message: 'The request is missing its anti-forgery token.' },
  'auth.password_too_weak': { status: 422, message: 'Choose a different, longer password.' },
  'auth.forbidden': { status: 403, message: 'Your role does not allow this.' },
  'organisation.not_found': { status: 404, message: 'Organisation not found.' },
  'organisation.name_taken': { status: 409, message: 'An organisation with this name exists.' },
  'user.not_found': { status: 404, message: 'User not found.' },
  'user.username_taken': { status: 409, message: 'This username is taken.' },
  'user.role_not_allowed': { status: 403, message: 'You cannot give this role.' },
  'person.not_found': { status: 404, message: 'Person not found.' },
  'person.version_conflict': { status: 409, message: 'Someone changed this person first. Reload and try again.' },
  'case.not_found': { status: 404, message: 'Case not found.' },
  'case.person_not_found': { status: 422, message: 'The person for this case was not found.' },
  'case.assignee_invalid': { status: 422, message: 'The case cannot be assigned to this user.' },
  'case.version_conflict': { status: 409, message: 'Someone changed this case first. Reload and try again.' },
  'grant.not_found': { status: 404, message: 'Access grant not found.' },
  'grant.grantee_not_allowed': { status: 422, message: 'Grants go to police and prosecution organisations only; never to immigration enforcement.' },
  'grant.expiry_invalid': { status: 422, message: 'A grant must end in the future, within a year.' },
  'grant.not_pending': { status: 409, message: 'This emergency access request is no longer waiting for approval.' },
  internal: { status: 500, message: 'Something went wrong on our side. It has been logged.' },
};
