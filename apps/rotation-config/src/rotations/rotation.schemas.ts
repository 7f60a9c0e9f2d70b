import { z } from 'zod';

/**
 * Shapes of the internal rotation API. The gateway sends what it resolved (the environment
 * and folder); the rules on values (slug, ranges, scope, password policy, secret names) are
 * the aggregate's, so both services name the same fields the same way.
 */
const RotateAtUtc = z.object({ hours: z.number(), minutes: z.number() }).strict();

const PasswordRequirements = z.object({
  length: z.number(),
  required: z.object({ digits: z.number(), lowercase: z.number(), uppercase: z.number(), symbols: z.number() }).strict(),
  allowedSymbols: z.string(),
}).strict();

const Parameters = z.object({
  passwordRequirements: PasswordRequirements.optional(),
  permissionScope: z.string().max(4096).optional(),
}).strict();

const SecretsMapping = z.object({ username: z.string(), password: z.string() }).strict();

export const CreateRotationBody = z.object({
  projectId: z.string().min(1).max(128),
  name: z.string(),
  description: z.string().nullable().default(null),
  connectionId: z.string().min(1).max(128),
  environment: z.object({ id: z.string().min(1), slug: z.string().min(1), name: z.string().min(1) }).strict(),
  folder: z.object({ id: z.string().min(1), path: z.string().startsWith('/') }).strict(),
  /** Optional echo of folder.path (the public request's field). */
  secretPath: z.string().optional(),
  isAutoRotationEnabled: z.boolean().default(true),
  rotationInterval: z.number(),
  rotateAtUtc: RotateAtUtc.default({ hours: 0, minutes: 0 }),
  parameters: Parameters.default({}),
  secretsMapping: SecretsMapping,
}).strict();

export const UpdateRotationBody = z.object({
  name: z.string().optional(),
  description: z.string().nullable().optional(),
  isAutoRotationEnabled: z.boolean().optional(),
  rotationInterval: z.number().optional(),
  rotateAtUtc: RotateAtUtc.optional(),
  parameters: Parameters.optional(),
  secretsMapping: SecretsMapping.optional(),
}).strict();

export type CreateRotationInput = z.infer<typeof CreateRotationBody>;
export type UpdateRotationInput = z.infer<typeof UpdateRotationBody>;
