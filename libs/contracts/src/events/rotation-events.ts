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
  /** The user's free text about the rotation; null when none was given. */
  description: z.string().nullable(),
  /** Password requirements and permission scope; with the rest, the stream alone rebuilds the configuration. */
  parameters: RotationParameters,
  /** Who asked: the identity behind the API call, or Rotor itself when the call named none. */
  requestedBy: Actor,
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
   * The rest of the settings after the update, changed or not, so the event alone says the
   * whole configuration. New scope, password requirements and mapping apply from the next rotation.
   */
  name: z.string().min(1),
  description: z.string().nullable(),
  parameters: RotationParameters,
  secretsMapping: SecretsMapping,
  /** Who asked: the identity behind the API call, or Rotor itself when the call named none. */
  requestedBy: Actor,
}).strict();

export const RotationDeletedV1 = z.object({
  rotationId: Id,
  ...Location,
  secretsMapping: SecretsMapping,
  deleteSecrets: z.boolean(),
  revokeGeneratedCredentials: z.boolean(),
  deletedAt: IsoTime,
  /** Who asked: the identity behind the API call, or Rotor itself (undoing a create that could not issue). */
  requestedBy: Actor,
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
  /**
   * Who asked: for 'initial' and 'manual' the identity behind the API call (Rotor itself when
   * the call named none); Rotor itself for 'scheduled', 'retry' and 'heal'.
   */
  requestedBy: Actor,
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
