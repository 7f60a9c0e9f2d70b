import { z } from 'zod';
import {
  Actor, Id, IsoTime, PasswordRequirements, RedisConnectionRef, RotateAtUtc, RotationParameters, RotationReason, SecretsMapping,
} from './common';

/** Events of the Rotation aggregate (rotation-config), on TOPICS.rotationEvents. */

const Location = {
  projectId: Id,
  environment: z.string().min(1),
  secretPath: z.string().startsWith('/'),
};

export const RotationCreatedV1 = z.object({
  rotationId: Id,
  ...Location,
  name: z.string().min(1),
  connectionId: Id,
  isAutoRotationEnabled: z.boolean(),
  rotationInterval: z.number().int().min(1),
  rotateAtUtc: RotateAtUtc,
  secretsMapping: SecretsMapping,
  createdAt: IsoTime,
  /**
   * Optional so that earlier events stay valid; rotation-config always sends them, so the
   * stream alone rebuilds the whole configuration.
   */
  description: z.string().nullable().optional(),
  parameters: RotationParameters.optional(),
  /** Who asked (optional so that earlier events stay valid; rotation-config always sends it). */
  requestedBy: Actor.optional(),
}).strict();

export const RotationUpdatedV1 = z.object({
  rotationId: Id,
  isAutoRotationEnabled: z.boolean(),
  rotationInterval: z.number().int().min(1),
  rotateAtUtc: RotateAtUtc,
  changedFields: z.array(z.string()),
  /** The next regular due time under the new settings; null when auto-rotation is off. */
  nextRotationAt: IsoTime.nullable(),
  updatedAt: IsoTime,
  /**
   * The rest of the settings after the update (optional so that earlier events stay valid;
   * rotation-config always sends them). New scope, password requirements and mapping apply
   * from the next rotation.
   */
  name: z.string().min(1).optional(),
  description: z.string().nullable().optional(),
  parameters: RotationParameters.optional(),
  secretsMapping: SecretsMapping.optional(),
  /** Who asked (optional so that earlier events stay valid; rotation-config always sends it). */
  requestedBy: Actor.optional(),
}).strict();

export const RotationDeletedV1 = z.object({
  rotationId: Id,
  ...Location,
  secretsMapping: SecretsMapping,
  deleteSecrets: z.boolean(),
  revokeGeneratedCredentials: z.boolean(),
  deletedAt: IsoTime,
  /** Who asked (optional so that earlier events stay valid; rotation-config always sends it). */
  requestedBy: Actor.optional(),
}).strict();

export const RotationRequestedV1 = z.object({
  rotationId: Id,
  ...Location,
  jobId: Id,
  generation: z.number().int().min(1),
  targetIndex: z.union([z.literal(0), z.literal(1)]),
  username: z.string().min(1),
  reason: RotationReason,
  attempt: z.number().int().min(1),
  /** The regular due time this request serves (scheduled and retry), else null. */
  dueAt: IsoTime.nullable(),
  requestedAt: IsoTime,
  connection: RedisConnectionRef,
  permissionScope: z.array(z.string()),
  passwordRequirements: PasswordRequirements,
  secretsMapping: SecretsMapping,
  /** Who asked (optional so that earlier events stay valid; rotation-config always sends it). */
  requestedBy: Actor.optional(),
}).strict();

export const RotationCompletedV1 = z.object({
  rotationId: Id,
  jobId: Id,
  generation: z.number().int().min(1),
  activeIndex: z.union([z.literal(0), z.literal(1)]),
  reason: RotationReason,
  dueAt: IsoTime.nullable(),
  rotatedAt: IsoTime,
  nextRotationAt: IsoTime.nullable(),
}).strict();

export const RotationAttemptFailedV1 = z.object({
  rotationId: Id,
  jobId: Id,
  generation: z.number().int().min(1),
  reason: RotationReason,
  attempt: z.number().int().min(1),
  dueAt: IsoTime.nullable(),
  message: z.string(),
  retryable: z.boolean(),
  failedAt: IsoTime,
}).strict();

export const RevocationRequestedV1 = z.object({
  rotationId: Id,
  projectId: Id,
  jobId: Id,
  usernames: z.array(z.string().min(1)).min(1),
  connection: RedisConnectionRef,
  requestedAt: IsoTime,
}).strict();

export type RotationCreated = z.infer<typeof RotationCreatedV1>;
export type RotationUpdated = z.infer<typeof RotationUpdatedV1>;
export type RotationDeleted = z.infer<typeof RotationDeletedV1>;
export type RotationRequested = z.infer<typeof RotationRequestedV1>;
export type RotationCompleted = z.infer<typeof RotationCompletedV1>;
export type RotationAttemptFailed = z.infer<typeof RotationAttemptFailedV1>;
export type RevocationRequested = z.infer<typeof RevocationRequestedV1>;
