import { z } from 'zod';
import { PERMISSIONS } from '../auth/permissions';

export const roleSchema = z.strictObject({
  projectId: z.string().min(1).max(64).describe('Project the role applies to.'),
  permissions: z
    .array(z.enum(PERMISSIONS))
    .max(PERMISSIONS.length * 2)
    .describe(`Any of: ${PERMISSIONS.join(', ')}.`),
});

export const createIdentitySchema = z.strictObject({
  name: z.string().min(1).max(64),
  isAdmin: z.boolean().optional().describe('Every permission in every project, and may manage projects and identities.'),
  roles: z.array(roleSchema).max(100).optional(),
});

export const setRolesSchema = z.strictObject({ roles: z.array(roleSchema).max(100) });

export const issueTokenSchema = z.strictObject({ name: z.string().max(64).optional() });

const tokenView = z.object({ id: z.string(), name: z.string(), createdAt: z.string(), revokedAt: z.string().nullable() });
export const identityViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  isAdmin: z.boolean(),
  roles: z.array(z.object({ projectId: z.string(), permissions: z.array(z.enum(PERMISSIONS)) })),
  tokens: z.array(tokenView),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const issuedToken = z.object({ id: z.string(), name: z.string(), token: z.string().describe('Shown this once; only its SHA-256 is stored.') });

export const identityResponseSchema = z.object({ identity: identityViewSchema });
export const identityWithTokenResponseSchema = z.object({ identity: identityViewSchema, token: issuedToken });
export const identityListResponseSchema = z.object({ identities: z.array(identityViewSchema) });
export const tokenResponseSchema = z.object({ token: issuedToken });
export const revokedTokenResponseSchema = z.object({ token: tokenView });
