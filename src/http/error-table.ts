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
  'auth.password_too_weak': { status: 422, message: 'Choose a different password: see the details for why.' },
  'auth.forbidden': { status: 403, message: 'Your role does not allow this.' },
  'auth.second_factor_required': { status: 403, message: 'Finish signing in with your second factor (or set it up) first.' },
  'auth.second_factor_mandatory': { status: 403, message: 'Your role or organisation requires two-factor authentication: it cannot be turned off.' },
  'auth.second_factor_not_pending': { status: 409, message: 'This session is not waiting for a second factor.' },
  'auth.totp_invalid': { status: 422, message: 'The code is not right, has expired or was already used.' },
  'auth.totp_already_enabled': { status: 409, message: 'Two-factor authentication is already on.' },
  'auth.totp_not_enabled': { status: 409, message: 'Two-factor authentication is not on.' },
  'auth.totp_enrolment_not_started': { status: 409, message: 'Start setting up two-factor authentication first.' },
  'session.not_found': { status: 404, message: 'Session not found.' },
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
