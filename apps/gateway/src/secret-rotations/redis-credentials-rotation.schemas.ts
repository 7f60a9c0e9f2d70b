import { z } from 'zod';
import {
  DEFAULT_PASSWORD_REQUIREMENTS,
  DEFAULT_PERMISSION_SCOPE,
  parsePermissionScope,
  validatePasswordRequirements,
} from '@rotor/rotation-domain';
import {
  descriptionSchema,
  environmentSlugSchema,
  projectIdSchema,
  queryBooleanSchema,
  secretNameSchema,
  secretPathSchema,
  slugSchema,
} from '../validation/common.schemas';
import { addDomainIssues, wholeNumberMessage } from '../validation/domain-issues';
import { atLeastOneField } from '../validation/at-least-one-field';

/** The seed API's request fields for `/api/v2/secret-rotations/redis-credentials`, and nothing else. */

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

/**
 * The Infisical-compatible response, field for field in its order, then the fields Rotor adds
 * (documentation of what rotation-config answers).
 */
const secretRotationSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  isAutoRotationEnabled: z.boolean(),
  activeIndex: z.number().int(),
  folderId: z.string(),
  connectionId: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  rotationInterval: z.number().int(),
  rotationStatus: z.string(),
  lastRotationAttemptedAt: z.string().nullable(),
  lastRotatedAt: z.string().nullable(),
  lastRotationJobId: z.string().nullable(),
  nextRotationAt: z.string().nullable(),
  connection: z.object({ app: z.literal('redis'), name: z.string(), id: z.string() }),
  environment: z.object({ slug: z.string(), name: z.string(), id: z.string() }),
  projectId: z.string(),
  folder: z.object({ id: z.string(), path: z.string() }),
  rotateAtUtc: z.object({ hours: z.number().int(), minutes: z.number().int() }),
  lastRotationMessage: z.string().nullable(),
  type: z.literal('redis-credentials'),
  parameters: z.object({
    passwordRequirements: z.object({
      length: z.number().int(),
      required: z.object({ digits: z.number().int(), lowercase: z.number().int(), uppercase: z.number().int(), symbols: z.number().int() }),
      allowedSymbols: z.string(),
    }),
    permissionScope: z.string(),
  }),
  secretsMapping: z.object({ username: z.string(), password: z.string() }),
  isRotationInFlight: z.boolean().describe('Added by Rotor: a rotation job is requested and its outcome not yet recorded.'),
  inFlightJobId: z.string().nullable().describe('Added by Rotor: the id of that job; null when none is in flight.'),
});
export const rotationResponseSchema = z.object({ secretRotation: secretRotationSchema });
export const rotateResponseSchema = z.object({
  secretRotation: secretRotationSchema,
  jobId: z.string().describe('The rotation job this request started.'),
});
export const rotationListResponseSchema = z.object({ secretRotations: z.array(secretRotationSchema) });
export const generatedCredentialsResponseSchema = z.object({
  generatedCredentials: z.array(z.object({ username: z.string(), password: z.string() })).describe('Both credential sets, by index.'),
  activeIndex: z.number().int(),
  rotationId: z.string(),
  type: z.literal('redis-credentials'),
});
export const historyResponseSchema = z.object({
  history: z.array(z.object({ type: z.string(), occurredAt: z.string(), jobId: z.string().nullable().optional() }).loose()),
});
