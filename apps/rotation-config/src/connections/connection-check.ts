import { Injectable } from '@nestjs/common';
import { ConnectionReport, RedisAclError, RedisTarget, checkConnection, isRedisAclError } from '@rotor/redis-acl';
import { UnprocessableError } from '../http/unprocessable.error';

/**
 * What the check found besides "it works", told in the connection's answer: whether Rotor's
 * users survive a restart of every node (an aclfile, which Rotor saves after each change; a
 * config file it rewrites, when asked to; a managed service that persists them itself) or live
 * in memory only on some, so a restart loses them until continuous verification heals them —
 * and whether CONFIG REWRITE could persist them there.
 */
export interface ConnectionCheckResult {
  aclPersistence: 'aclfile' | 'config-file' | 'managed' | 'memory-only' | 'mixed';
  /** Nodes without an aclfile but started with a config file, in 'auto' mode: 'config-rewrite' would persist Rotor's users there. */
  configRewriteAvailable: boolean;
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
  if (report.mode === 'managed') {
    return {
      aclPersistence: 'managed',
      configRewriteAvailable: false,
      message: 'aclPersistenceMode is managed: the service persists ACL users itself; Rotor sends neither CONFIG nor ACL SAVE.',
    };
  }
  const inMemory = report.nodes.filter((n) => n.persistence === 'none');
  if (inMemory.length === 0) {
    const rewritten = report.nodes.filter((n) => n.persistence === 'config-rewrite').map((n) => n.node);
    return rewritten.length === 0
      ? { aclPersistence: 'aclfile', configRewriteAvailable: false, message: 'Every node keeps ACL users in an aclfile; Rotor saves its users there after each change.' }
      : {
          aclPersistence: 'config-file',
          configRewriteAvailable: false,
          message: `Rotor persists its users with CONFIG REWRITE (into the config file) on ${rewritten.join(', ')} after each change` +
            `${rewritten.length < report.nodes.length ? ', and with ACL SAVE into the aclfile on the other nodes' : ''}.`,
        };
  }
  const rewritable = inMemory.filter((n) => n.configFile).map((n) => n.node);
  return {
    aclPersistence: inMemory.length === report.nodes.length ? 'memory-only' : 'mixed',
    configRewriteAvailable: rewritable.length > 0,
    message: `ACL users in memory only on ${inMemory.map((n) => n.node).join(', ')} (no aclfile): a restart of that node loses Rotor's users. ` +
      'Continuous verification notices it and heals with a rotation; configure an aclfile to keep them across restarts' +
      (rewritable.length > 0
        ? `, or set aclPersistenceMode to config-rewrite: ${rewritable.join(', ')} ${rewritable.length === 1 ? 'was' : 'were'} started with a config file, ` +
          'and Rotor then persists its users there with CONFIG REWRITE after each change (it rewrites the whole file).'
        : '.'),
  };
}

const FIELD_BY_CODE: Partial<Record<RedisAclError['code'], string>> = {
  unreachable: 'host',
  tls: 'tls',
  auth: 'password',
  permission: 'username',
  DISCOVERY_FAILED: 'topology',
  PERSIST_FAILED: 'aclPersistenceMode',
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
