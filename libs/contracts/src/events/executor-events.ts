import { z } from 'zod';
import { Id, IsoTime, Sealed, SecretsMapping } from './common';

/** Outcomes of work on Redis (redis-executor), on TOPICS.executorEvents. */

export const CredentialsRotatedV1 = z.object({
  rotationId: Id,
  projectId: Id,
  environment: z.string().min(1),
  secretPath: z.string().startsWith('/'),
  secretsMapping: SecretsMapping,
  jobId: Id,
  generation: z.number().int().min(1),
  activeIndex: z.union([z.literal(0), z.literal(1)]),
  username: z.string().min(1),
  /** Sealed for (projectId, rotationId, 'password'); never plaintext. */
  password: Sealed,
  nodes: z.array(z.string()),
  rotatedAt: IsoTime,
}).strict();

export const RotationFailedV1 = z.object({
  rotationId: Id,
  projectId: Id,
  jobId: Id,
  generation: z.number().int().min(1),
  /** Redacted: never contains a credential. */
  message: z.string(),
  node: z.string().nullable(),
  retryable: z.boolean(),
  failedAt: IsoTime,
}).strict();

export const CredentialsRevokedV1 = z.object({
  rotationId: Id,
  projectId: Id,
  jobId: Id,
  usernames: z.array(z.string()),
  nodes: z.array(z.string()),
  revokedAt: IsoTime,
}).strict();

export type CredentialsRotated = z.infer<typeof CredentialsRotatedV1>;
export type RotationFailed = z.infer<typeof RotationFailedV1>;
export type CredentialsRevoked = z.infer<typeof CredentialsRevokedV1>;
