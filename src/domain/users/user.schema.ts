import { z } from 'zod';
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

/** Length is what makes a password strong; the breach-list check comes with issue #3. */
export const newPasswordSchema = z.string().min(12, 'at least 12 characters').max(256);

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

export const meSchema = z.object({
  user: userSchema,
  organisation: z.object({ id: uuidSchema, name: z.string(), type: organisationTypeSchema }),
  csrfToken: z.string(),
  expiresAt: isoTimestampSchema,
});
