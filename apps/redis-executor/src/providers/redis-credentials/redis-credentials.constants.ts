export const REDIS_CREDENTIALS_PROVIDER = 'redis-credentials' as const;

/**
 * The `field` of the crypto context each sealed value is bound to; the owner is the
 * connection id for the connection's secrets. rotation-config seals with the same names.
 */
export const SEALED_FIELD = {
  adminPassword: 'password',
  sentinelPassword: 'sentinelPassword',
} as const;

/** Error codes of this provider, besides REDIS.<redis-acl code> and CONNECTION.<redis-acl code>. */
export const REDIS_PROVIDER_ERROR = {
  passwordRequirements: 'PASSWORD.INVALID_REQUIREMENTS',
  sealedSecret: 'CONNECTION.SEALED_SECRET_UNREADABLE',
  unexpected: 'REDIS.UNEXPECTED',
} as const;
