import { GetGeneratedCredentialsHandler } from './get-generated-credentials.handler';
import { StoredJobsHandler } from './stored-jobs.handler';

export const RotationQueryHandlers = [GetGeneratedCredentialsHandler, StoredJobsHandler];
