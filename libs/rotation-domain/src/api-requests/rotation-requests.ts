import { z } from 'zod';
import { DEFAULT_PASSWORD_REQUIREMENTS, validatePasswordRequirements } from '../password/password-requirements';
import { DEFAULT_PERMISSION_SCOPE, parsePermissionScope } from '../scope/permission-scope';
import {
  descriptionSchema,
  environmentSlugSchema,
  projectIdSchema,
  queryBooleanSchema,
  secretNameSchema,
  secretPathSchema,
  slugSchema,
} from './common.schemas';
import { addDomainIssues, wholeNumberMessage } from './domain-issues';
import { atLeastOneField } from './at-least-one-field';

/** The Infisical-compatible API's request fields for `/api/v2/secret-rotations/redis-credentials`, and nothing else. */

function wholeNumber(min: number, max: number) {
  const error = wholeNumberMessage(min, max);
  return z.number().int({ error }).min(min, { error }).max(max, { error });
}

export const rotateAtUtcSchema = z
  .strictObject({ hours: wholeNumber(0, 23), minutes: wholeNumber(0, 59) })
  .describe('Time of day (UTC) at which a due rotation runs: whole hours 0-23 and whole minutes 0-59.');

export const rotationIntervalSchema = wholeNumber(1, 365).describe('Days between rotations, a whole number 1-365.');

const count = z.number();
export const passwordRequirementsSchema = z
  .strictObject({
    length: z.number().describe('12-256'),
    required: z
      .strictObject({ digits: count, lowercase: count, uppercase: count, symbols: count })
      .describe('Minimum count of each class (whole numbers ≥ 0, at least one above 0, summing to at most length).'),
    allowedSymbols: z.string().max(128).describe('Printable ASCII symbols, no letters, digits or whitespace, each once.'),
  })
  .superRefine((req, ctx) => addDomainIssues(ctx, validatePasswordRequirements(req), 'parameters.passwordRequirements'));

export const permissionScopeSchema = z
  .string()
  .max(4096)
  .superRefine((scope, ctx) => {
    const parsed = parsePermissionScope(scope);
    if (!parsed.ok) addDomainIssues(ctx, parsed.issues, 'parameters.permissionScope');
  })
  .describe(`Redis ACL permission rules for the generated users (keys, channels, commands, categories, selectors). Default "${DEFAULT_PERMISSION_SCOPE}".`);

export const secretsMappingSchema = z
  .strictObject({
    username: secretNameSchema.describe('Secret that receives the active username.'),
    password: secretNameSchema.describe('Secret that receives the active password.'),
  })
  .superRefine((m, ctx) => {
    if (m.username === m.password) ctx.addIssue({ code: 'custom', path: ['password'], message: 'must differ from secretsMapping.username' });
  });

export const createRotationSchema = z.strictObject({
  name: slugSchema('Name of the rotation, unique in its project, environment and path.'),
  projectId: projectIdSchema,
  description: descriptionSchema.optional(),
  connectionId: z.string().min(1).max(128).describe('Id of a Redis connection of the same project.'),
  environment: environmentSlugSchema,
  secretPath: secretPathSchema,
  isAutoRotationEnabled: z.boolean().default(true),
  rotationInterval: rotationIntervalSchema,
  rotateAtUtc: rotateAtUtcSchema.default({ hours: 0, minutes: 0 }),
  parameters: z
    .strictObject({
      passwordRequirements: passwordRequirementsSchema.default(structuredClone(DEFAULT_PASSWORD_REQUIREMENTS)),
      permissionScope: permissionScopeSchema.default(DEFAULT_PERMISSION_SCOPE),
    })
    .default({ passwordRequirements: structuredClone(DEFAULT_PASSWORD_REQUIREMENTS), permissionScope: DEFAULT_PERMISSION_SCOPE }),
  secretsMapping: secretsMappingSchema,
});
export type CreateRotationRequest = z.output<typeof createRotationSchema>;

export const updateRotationSchema = z
  .strictObject({
    name: slugSchema('New name.').optional(),
    description: descriptionSchema.optional(),
    isAutoRotationEnabled: z.boolean().optional(),
    rotationInterval: rotationIntervalSchema.optional(),
    rotateAtUtc: rotateAtUtcSchema.optional(),
    parameters: z
      .strictObject({ passwordRequirements: passwordRequirementsSchema.optional(), permissionScope: permissionScopeSchema.optional() })
      .optional()
      .describe('Applies from the next rotation.'),
    secretsMapping: secretsMappingSchema.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, atLeastOneField);

export const listRotationsQuerySchema = z.strictObject({ projectId: projectIdSchema });

export const rotationByNameQuerySchema = z.strictObject({
  projectId: projectIdSchema,
  environment: environmentSlugSchema,
  secretPath: secretPathSchema,
});

export const deleteRotationQuerySchema = z.strictObject({
  deleteSecrets: queryBooleanSchema.optional().describe('Also delete the mapped secrets (default false: they stay as ordinary secrets).'),
  revokeGeneratedCredentials: queryBooleanSchema.optional().describe('Also delete both generated Redis users (default false).'),
});

export const emptyBodySchema = z.strictObject({});

