import type { paths } from './generated/openapi';

type Operation<P extends keyof paths, M extends keyof paths[P]> = paths[P][M];

/** The JSON body a route takes. */
export type RequestBody<P extends keyof paths, M extends keyof paths[P]> =
  Operation<P, M> extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;

/** The JSON body a route answers with `status` (200 by default). */
export type ResponseBody<P extends keyof paths, M extends keyof paths[P], S extends number = 200> =
  Operation<P, M> extends { responses: { [K in S]: { content: { 'application/json': infer B } } } } ? B : never;

export type SecretRotation = ResponseBody<'/api/v2/secret-rotations/redis-credentials/{rotationId}', 'get'>['secretRotation'];
export type CreateSecretRotationRequest = RequestBody<'/api/v2/secret-rotations/redis-credentials', 'post'>;
export type UpdateSecretRotationRequest = RequestBody<'/api/v2/secret-rotations/redis-credentials/{rotationId}', 'patch'>;
export type RedisConnection = ResponseBody<'/api/v1/app-connections/redis/{connectionId}', 'get'>['appConnection'];
export type CreateRedisConnectionRequest = RequestBody<'/api/v1/app-connections/redis', 'post'>;
export type Project = ResponseBody<'/api/v1/projects/{projectId}', 'get'>['project'];
export type Identity = ResponseBody<'/api/v1/identities/me', 'get'>;
export type Secret = ResponseBody<'/api/v3/secrets/raw/{secretName}', 'get'>['secret'];
