/**
 * Every failure of this lib is a RedisAclError: a stable code, the node it happened on
 * ('host:port', or null when no single node is to blame), whether retrying may help, and a
 * sentence with every credential masked. The error never keeps the ioredis error it came from:
 * that object carries the command's arguments, passwords included.
 */
export type RedisAclErrorCode =
  /** Connection-level (also what checkConnection reports). */
  | 'unreachable'
  | 'tls'
  | 'auth'
  | 'permission'
  /** The topology could not be established, or is not what the connection says. */
  | 'DISCOVERY_FAILED'
  /** Per step of a rotation or revocation. */
  | 'SETUSER_FAILED'
  | 'VERIFY_FAILED'
  | 'PERSIST_FAILED'
  | 'REVOKE_FAILED'
  /** Refused before touching Redis. */
  | 'NOT_ROTOR_USER'
  | 'INVALID_RULES';

export class RedisAclError extends Error {
  constructor(
    readonly code: RedisAclErrorCode,
    message: string,
    readonly node: string | null = null,
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'RedisAclError';
  }
}

export function isRedisAclError(e: unknown): e is RedisAclError {
  return e instanceof RedisAclError;
}

export const REDACTED = '[REDACTED]';

/** Masks every occurrence of every secret (longest first, so one secret inside another cannot leak a tail). */
export function redactSecrets(text: string, secrets: ReadonlyArray<string | null | undefined>): string {
  const present = secrets.filter((s): s is string => typeof s === 'string' && s.length > 0);
  return [...new Set(present)]
    .sort((a, b) => b.length - a.length)
    .reduce((out, secret) => out.split(secret).join(REDACTED), text);
}
