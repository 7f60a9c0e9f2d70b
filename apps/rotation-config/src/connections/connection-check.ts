import { Injectable } from '@nestjs/common';
import { ConnectionReport, RedisAclError, RedisTarget, checkConnection, isRedisAclError } from '@rotor/redis-acl';
import { UnprocessableError } from '../http/unprocessable.error';

/**
 * What the check found besides "it works", told in the connection's answer: whether Rotor's
 * users survive a restart of every node (an aclfile, which Rotor saves after each change) or
 * live in memory only on some, so a restart loses them until continuous verification heals them.
 */
export interface ConnectionCheckResult {
  aclPersistence: 'aclfile' | 'memory-only' | 'mixed';
  message: string;
}

/** Proves a connection works (reachable, TLS, admin credentials, ACL permissions) before it is stored. */
@Injectable()
export class ConnectionCheck {
  async verify(target: RedisTarget): Promise<ConnectionCheckResult> {
    try {
      return describePersistence(await checkConnection(target));
    } catch (e) {
      if (isRedisAclError(e)) throw checkFailed(e);
      throw e;
    }
  }
}

export function describePersistence(report: ConnectionReport): ConnectionCheckResult {
  const inMemory = report.nodes.filter((n) => !n.aclfile).map((n) => n.node);
  if (inMemory.length === 0) {
    return { aclPersistence: 'aclfile', message: 'Every node keeps ACL users in an aclfile; Rotor saves its users there after each change.' };
  }
  return {
    aclPersistence: inMemory.length === report.nodes.length ? 'memory-only' : 'mixed',
    message: `ACL users in memory only on ${inMemory.join(', ')} (no aclfile): a restart of that node loses Rotor's users. ` +
      'Continuous verification notices it and heals with a rotation; configure an aclfile to keep them across restarts.',
  };
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
