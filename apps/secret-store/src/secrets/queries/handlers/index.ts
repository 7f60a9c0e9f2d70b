import { GetSecretHandler } from './get-secret.handler';
import { ListSecretsHandler } from './list-secrets.handler';

export const SecretQueryHandlers = [GetSecretHandler, ListSecretsHandler];
