import { ReleaseRotationSecretsHandler } from './release-rotation-secrets.handler';
import { SettleTimedOutJobHandler } from './settle-timed-out-job.handler';
import { StoreRotatedCredentialsHandler } from './store-rotated-credentials.handler';

export const RotationCommandHandlers = [ReleaseRotationSecretsHandler, SettleTimedOutJobHandler, StoreRotatedCredentialsHandler];
