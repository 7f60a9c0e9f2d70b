import { z } from 'zod';
import {
  RedisConnectionCheckSchema, RedisCredentialsConnectionSchema, RedisCredentialsParametersSchema,
} from './redis-credentials.schemas';

export type RedisCredentialsConnection = z.infer<typeof RedisCredentialsConnectionSchema>;
export type RedisCredentialsParameters = z.infer<typeof RedisCredentialsParametersSchema>;
export type RedisConnectionCheck = z.infer<typeof RedisConnectionCheckSchema>;

