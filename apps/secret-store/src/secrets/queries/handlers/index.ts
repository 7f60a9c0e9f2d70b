import { GetSecretHandler } from './get-secret.handler';
import { ListSecretKeysHandler } from './list-secret-keys.handler';
import { ListSecretsHandler } from './list-secrets.handler';

export const SecretQueryHandlers = [GetSecretHandler, ListSecretsHandler, ListSecretKeysHandler];
