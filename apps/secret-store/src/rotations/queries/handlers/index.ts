import { GetGeneratedCredentialsHandler } from './get-generated-credentials.handler';

export const RotationQueryHandlers = [GetGeneratedCredentialsHandler];
