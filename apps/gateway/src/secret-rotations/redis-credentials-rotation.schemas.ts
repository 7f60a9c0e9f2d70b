import { z } from 'zod';

// The request rules live in @rotor/rotation-domain (browser-safe, shared with the console).
export {
  createRotationSchema,
  deleteRotationQuerySchema,
  emptyBodySchema,
  listRotationsQuerySchema,
  passwordRequirementsSchema,
  permissionScopeSchema,
  rotateAtUtcSchema,
  rotationByNameQuerySchema,
  rotationIntervalSchema,
  secretsMappingSchema,
  updateRotationSchema,
} from '@rotor/rotation-domain';
export type { CreateRotationRequest } from '@rotor/rotation-domain';

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
  // Added by Rotor: continuous verification of the served credential (after the Infisical-compatible fields).
  verificationStatus: z.enum(['healthy', 'drifted', 'unverifiable']).nullable()
    .describe('Last check of the served credential (and the one it replaced) on every node: healthy, drifted (rejected somewhere; being healed), unverifiable (a node could not be asked); null before the first check.'),
  lastVerifiedAt: z.string().nullable().describe('When the served credential was last checked.'),
  lastVerificationMessage: z.string().nullable().describe('What the last check found: nodes, users and what Redis answered; never a secret.'),
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
  history: z.array(
    z.object({
      type: z.string(),
      occurredAt: z.string(),
      jobId: z.string().nullable().optional(),
      actor: z
        .union([
          z.object({ type: z.literal('identity'), id: z.string(), name: z.string(), tokenId: z.string().nullable() }),
          z.object({ type: z.literal('rotor'), name: z.literal('Rotor') }),
        ])
        .nullable()
        .optional()
        .describe('Who made it happen: the identity that asked, or Rotor itself (schedules, retries, heals, outcomes); null for RevocationRequested (the RotationDeleted beside it names who asked)'),
    }).loose(),
  ),
});
