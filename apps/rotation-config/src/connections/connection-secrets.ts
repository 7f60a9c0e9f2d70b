import { Injectable } from '@nestjs/common';
import { EnvelopeCipher } from '@rotor/crypto';
import { RedisTarget } from '@rotor/redis-acl';
import { ConnectionTopologyInput } from './connection.schemas';
import { StoredConnection, StoredTopology } from './connection.types';

/**
 * Seals and opens a connection's passwords. Each value is bound to its project, its
 * connection (owner) and its field, so a sealed value copied elsewhere does not open.
 * The executor opens the same values with the same context.
 */
@Injectable()
export class ConnectionSecrets {
  constructor(private readonly cipher: EnvelopeCipher) {}

  sealPassword(projectId: string, connectionId: string, password: string): string {
    return this.cipher.seal(password, { projectId, owner: connectionId, field: 'password' });
  }

  /** Topology as stored; `keepSentinelPassword` is the sealed one to keep when none is given. */
  sealTopology(projectId: string, connectionId: string, t: ConnectionTopologyInput, keepSentinelPassword: string | null): StoredTopology {
    if (t.type !== 'sentinel') return t;
    const { sentinelPassword, ...rest } = t;
    const sealed = sentinelPassword
      ? this.cipher.seal(sentinelPassword, { projectId, owner: connectionId, field: 'sentinelPassword' })
      : keepSentinelPassword;
    return { ...rest, sentinelPasswordSealed: sealed };
  }

  /** The plaintext target for a connection check; lives only for that call. */
  target(c: StoredConnection): RedisTarget {
    const ctx = { projectId: c.projectId, owner: c.id };
    const topology: RedisTarget['topology'] =
      c.topology.type === 'sentinel'
        ? {
            type: 'sentinel',
            masterName: c.topology.masterName,
            sentinels: c.topology.sentinels,
            sentinelUsername: c.topology.sentinelUsername,
            sentinelPassword: c.topology.sentinelPasswordSealed
              ? this.cipher.open(c.topology.sentinelPasswordSealed, { ...ctx, field: 'sentinelPassword' })
              : null,
          }
        : c.topology;
    return {
      host: c.host,
      port: c.port,
      username: c.username,
      password: this.cipher.open(c.passwordSealed, { ...ctx, field: 'password' }),
      tls: c.tls,
      topology,
      aclPersistenceMode: c.aclPersistenceMode,
    };
  }
}
