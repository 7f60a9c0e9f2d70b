import { z } from 'zod';
import { canonicalSecretPath } from './secret-location';

/** Input of the raw-secrets API. Unknown fields (e.g. other clients' flags) are ignored. */

const ProjectId = z.string().min(1).max(128);
const Environment = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an environment slug (letters, digits, - and _)');
const SecretPath = z
  .string()
  .regex(/^\/[A-Za-z0-9_.\-/]{0,511}$/, 'must be a folder path starting with / (letters, digits, - _ . and /)')
  .transform(canonicalSecretPath);
export const SecretKey = z.string().regex(/^[A-Za-z0-9_.-]{1,256}$/, 'must be 1-256 letters, digits, - _ or .');
const SecretValue = z.string().max(65_536);

export const FolderQuery = z.object({
  projectId: ProjectId,
  environment: Environment,
  secretPath: SecretPath.default('/'),
});

export const SecretQuery = FolderQuery.extend({
  version: z.coerce.number().int().min(1).optional(),
});

export const WriteSecretBody = FolderQuery.extend({ secretValue: SecretValue });

export const SecretNameParam = z.object({ secretName: SecretKey });

export const GeneratedCredentialsQuery = z.object({ projectId: ProjectId });
export const RotationIdParam = z.object({ id: z.string().min(1).max(128) });
export const StoredJobsBody = z.object({ projectId: ProjectId, jobIds: z.array(z.string().min(1).max(128)).max(1_000) });
