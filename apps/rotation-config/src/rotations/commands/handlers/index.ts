import { CreateRotationHandler } from './create-rotation.handler';
import { DeleteRotationHandler } from './delete-rotation.handler';
import { RecordRotationFailureHandler } from './record-rotation-failure.handler';
import { RecordRotationSuccessHandler } from './record-rotation-success.handler';
import { RecordVerificationHandler } from './record-verification.handler';
import { RequestDueRotationHandler } from './request-due-rotation.handler';
import { RotateSecretsHandler } from './rotate-secrets.handler';
import { UpdateRotationHandler } from './update-rotation.handler';

export const RotationCommandHandlers = [
  CreateRotationHandler,
  UpdateRotationHandler,
  DeleteRotationHandler,
  RotateSecretsHandler,
  RequestDueRotationHandler,
  RecordRotationSuccessHandler,
  RecordRotationFailureHandler,
  RecordVerificationHandler,
];
