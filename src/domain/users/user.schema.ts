import { z } from 'zod';
import { SECOND_FACTOR_STATES } from '../auth/second-factor.rules.js';
import { pageQueryShape, isoTimestampSchema, uuidSchema } from '../common.schema.js';
import { organisationTypeSchema } from '../orgs/org.schema.js';

export const ROLES = ['caseworker', 'supervisor', 'org_admin', 'analyst', 'system_admin', 'dpo'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

export const usernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{2,63}$/, '3-64 characters: letters, digits, dot, dash, underscore');

/**
 * A new password as the API takes it: only bounded here, so that the password policy (length, breach list,
 * username; password.rules.ts) answers every weak one the same way, 422 `auth.password_too_weak` with a reason.
 */
export const newPasswordSchema = z.string().min(1).max(1024);

export const userCreateSchema = z.strictObject({
  organisationId: uuidSchema,
  username: usernameSchema,
  displayName: z.string().trim().min(1).max(200),
  role: roleSchema,
  password: newPasswordSchema,
});
export type UserCreateInput = z.infer<typeof userCreateSchema>;

export const userListQuerySchema = z.strictObject({
  organisationId: uuidSchema.optional(),
  ...pageQueryShape(50),
});
export type UserListQuery = z.infer<typeof userListQuerySchema>;

export const userSchema = z.object({
  id: uuidSchema,
  organisationId: uuidSchema,
  username: z.string(),
  displayName: z.string(),
  role: roleSchema,
  isDisabled: z.boolean(),
  isDemo: z.boolean(),
  createdAt: isoTimestampSchema,
});
export type User = z.infer<typeof userSchema>;

/** A user as the login check needs it. Never leaves the domain and the store. */
export interface UserCredentials extends User {
  readonly passwordHash: string;
  readonly failedLogins: number;
  readonly lockedUntil: string | null;
}

export const secondFactorStateSchema = z
  .enum(SECOND_FACTOR_STATES)
  .describe('not_required and verified: a full session; required_enrol: set up TOTP first; required_verify: send a code first');

export const meSchema = z.object({
  user: userSchema,
  organisation: z.object({ id: uuidSchema, name: z.string(), type: organisationTypeSchema }),
  csrfToken: z.string(),
  expiresAt: isoTimestampSchema,
  secondFactor: secondFactorStateSchema,
  /** Whether the user's role or organisation requires a second factor (then it cannot be turned off). */
  isSecondFactorRequired: z.boolean(),
});

/** PATCH /users/{id}: what an administrator may change. A role change ends the user's sessions. */
export const userUpdateSchema = z
  .strictObject({
    displayName: z.string().trim().min(1).max(200).optional(),
    role: roleSchema.optional(),
  })
  .refine((u) => u.displayName !== undefined || u.role !== undefined, { message: 'change at least one field' });
export type UserUpdateInput = z.infer<typeof userUpdateSchema>;
