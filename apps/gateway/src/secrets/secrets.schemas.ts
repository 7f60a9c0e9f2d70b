import { z } from 'zod';
import { environmentSlugSchema, projectIdSchema, secretNameSchema, secretPathSchema } from '@rotor/rotation-domain';

/** `/api/v3/secrets/raw`: ordinary secrets and the ones rotations maintain (read-only through the API). */

const location = {
  projectId: projectIdSchema,
  environment: environmentSlugSchema,
  secretPath: secretPathSchema.default('/'),
};

export const listSecretsQuerySchema = z.strictObject(location);

export const getSecretQuerySchema = z.strictObject({
  ...location,
  version: z
    .string()
    .regex(/^[1-9][0-9]{0,8}$/, { error: 'must be a whole number from 1' })
    .transform(Number)
    .optional()
    .describe('A past version; the latest when omitted.'),
});

export const secretNameParamSchema = secretNameSchema;

const secretValueSchema = z.string().max(65_536).describe('The value, at most 64 KiB.');

export const createSecretSchema = z.strictObject({ ...location, secretValue: secretValueSchema });
export const updateSecretSchema = z.strictObject({ ...location, secretValue: secretValueSchema });
export const deleteSecretQuerySchema = z.strictObject(location);

const secretView = z.object({
  id: z.string(),
  secretKey: z.string(),
  secretValue: z.string(),
  version: z.number().int(),
  updatedAt: z.string(),
  rotationId: z.string().nullable().describe('Set when a rotation maintains this secret.'),
  environment: z.string(),
  secretPath: z.string(),
  type: z.literal('shared'),
});
export const secretResponseSchema = z.object({ secret: secretView });
export const secretListResponseSchema = z.object({ secrets: z.array(secretView) });
