export { createRedisCredentialsProvider } from './redis-credentials.provider';
export type { RedisCredentialsDeps, RedisCredentialsSpec } from './redis-credentials.provider';
export { REDIS_CREDENTIALS_PROVIDER, REDIS_PROVIDER_ERROR, SEALED_FIELD } from './redis-credentials.constants';
export { RedisConnectionCheckSchema, RedisCredentialsConnectionSchema, RedisCredentialsParametersSchema } from './redis-credentials.schemas';
export type { RedisConnectionCheck, RedisCredentialsConnection, RedisCredentialsParameters } from './redis-credentials.types';
