import { Injectable } from '@nestjs/common';
import { RedisAclError, RedisTarget, checkConnection, isRedisAclError } from '@rotor/redis-acl';
import { UnprocessableError } from '../http/unprocessable.error';

/** Proves a connection works (reachable, TLS, admin credentials, ACL permissions) before it is stored. */
@Injectable()
export class ConnectionCheck {
  async verify(target: RedisTarget): Promise<void> {
    try {
      await checkConnection(target);
    } catch (e) {
      if (isRedisAclError(e)) throw checkFailed(e);
      throw e;
    }
  }
}

const FIELD_BY_CODE: Partial<Record<RedisAclError['code'], string>> = {
  unreachable: 'host',
  tls: 'tls',
  auth: 'password',
  permission: 'username',
  DISCOVERY_FAILED: 'topology',
};

/** 422 with the cause; the lib's message is already redacted. */
function checkFailed(e: RedisAclError): UnprocessableError {
  const field = FIELD_BY_CODE[e.code] ?? 'host';
  return new UnprocessableError(
    `CONNECTION.CHECK_FAILED.${e.code.toUpperCase()}`,
    `the Redis connection check failed: ${e.message}`,
    [{ field, message: e.message }],
  );
}
