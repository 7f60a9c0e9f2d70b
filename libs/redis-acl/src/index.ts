export type { RedisAddress, RedisNodeInfo, RedisRole, RedisTarget, RedisTls, RedisTopology } from './redis-target';
export { nodeName } from './redis-target';
export { RedisAclError, isRedisAclError, redactSecrets, REDACTED, type RedisAclErrorCode } from './redis-acl.error';
export { ROTOR_USERNAME, isRotorUsername, setUserArgs } from './acl-commands';
export { discoverNodes } from './discover-nodes';
export { rotateUser, type UserChange } from './rotate-user';
export { revokeUsers } from './revoke-users';
export { checkConnection } from './check-connection';
export { verifyCredential } from './verify-credential';
