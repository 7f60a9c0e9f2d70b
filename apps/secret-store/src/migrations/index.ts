import { SecretStoreInit1767484800000 } from './1767484800000-secret-store-init';
import { SecretVersionsJobIndex1767571200000 } from './1767571200000-secret-versions-job-index';
import { SecretsRotationProjectIndex1767657600000 } from './1767657600000-secrets-rotation-project-index';
import { RotationCredentialsStoredJob1767744000000 } from './1767744000000-rotation-credentials-stored-job';

/** The secret store's own migrations, in order; createDataSource runs the event store's first. */
export const MIGRATIONS = [
  SecretStoreInit1767484800000,
  SecretVersionsJobIndex1767571200000,
  SecretsRotationProjectIndex1767657600000,
  RotationCredentialsStoredJob1767744000000,
];
