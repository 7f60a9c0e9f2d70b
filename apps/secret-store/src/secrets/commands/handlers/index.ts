import { CreateSecretHandler } from './create-secret.handler';
import { DeleteSecretHandler } from './delete-secret.handler';
import { UpdateSecretHandler } from './update-secret.handler';

export const SecretCommandHandlers = [CreateSecretHandler, DeleteSecretHandler, UpdateSecretHandler];
