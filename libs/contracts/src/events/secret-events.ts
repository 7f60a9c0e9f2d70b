import { z } from 'zod';
import { Id, IsoTime } from './common';

/** Internal acknowledgement for rotation-config, on TOPICS.secretsInternal. */
export const RotationSecretsStoredV1 = z.object({
  rotationId: Id,
  projectId: Id,
  jobId: Id,
  generation: z.number().int().min(1),
  activeIndex: z.union([z.literal(0), z.literal(1)]),
  versions: z.object({ username: z.number().int().min(1), password: z.number().int().min(1) }).strict(),
  storedAt: IsoTime,
}).strict();

/**
 * Public integration event for services in other teams (TOPICS.secretsPublic): which
 * secrets have a new version, so they can reload. Keys and versions only, never values.
 */
export const SecretsUpdatedV1 = z.object({
  projectId: Id,
  environment: z.string().min(1),
  secretPath: z.string().startsWith('/'),
  rotationId: Id.nullable(),
  secrets: z.array(z.object({ key: z.string().min(1), version: z.number().int().min(1) }).strict()).min(1),
  updatedAt: IsoTime,
}).strict();

export type RotationSecretsStored = z.infer<typeof RotationSecretsStoredV1>;
export type SecretsUpdated = z.infer<typeof SecretsUpdatedV1>;
