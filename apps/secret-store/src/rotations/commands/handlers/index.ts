import { ReleaseRotationSecretsHandler } from './release-rotation-secrets.handler';
import { StoreRotatedCredentialsHandler } from './store-rotated-credentials.handler';

export const RotationCommandHandlers = [ReleaseRotationSecretsHandler, StoreRotatedCredentialsHandler];
