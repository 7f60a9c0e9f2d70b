/**
 * How Rotor reaches one Redis deployment. Structurally the same as
 * `RedisConnectionRef` in @rotor/contracts, but with the admin (and sentinel) password in
 * plaintext: the executor opens the sealed values just before calling this lib.
 */
export interface RedisAddress {
  host: string;
  port: number;
}

export interface RedisTls {
  enabled: boolean;
  /** PEM; null/absent → the system's CAs. */
  caCertificate?: string | null;
  rejectUnauthorized: boolean;
  /** SNI and certificate host name; null/absent → the node's host when it is a name, not an IP. */
  servername?: string | null;
}

export type RedisTopology =
  | { type: 'single' }
  | { type: 'replicas'; replicas: RedisAddress[] }
  | {
      type: 'sentinel';
      masterName: string;
      sentinels: RedisAddress[];
      sentinelUsername?: string | null;
      sentinelPassword?: string | null;
    }
  | { type: 'cluster' };

/**
 * How Rotor keeps its changes across a restart (absent = 'auto'):
 * - 'auto': `CONFIG GET aclfile` on every node; `ACL SAVE` where an aclfile is kept, nothing
 *   where users live in memory or redis.conf;
 * - 'config-rewrite': as auto, and `CONFIG REWRITE` after each change on nodes without an
 *   aclfile, so Rotor's users are written to redis.conf (the server needs a config file);
 * - 'managed': the service persists ACLs by itself and refuses `CONFIG` / `ACL SAVE`: Rotor
 *   sends neither, ever.
 */
export type AclPersistenceMode = 'auto' | 'config-rewrite' | 'managed';

export interface RedisTarget {
  /** single/replicas: the primary; cluster: any seed node; sentinel: unused (the sentinels decide). */
  host: string;
  port: number;
  /** The admin user that runs ACL SETUSER / DELUSER / SAVE on every node. */
  username: string;
  password: string;
  tls?: RedisTls | null;
  topology: RedisTopology;
  aclPersistenceMode?: AclPersistenceMode | null;
}

export type RedisRole = 'primary' | 'replica';

export interface RedisNodeInfo extends RedisAddress {
  role: RedisRole;
}

/** 'host:port' (IPv6 hosts in brackets): how nodes are named in results and errors. */
export function nodeName(node: RedisAddress): string {
  return node.host.includes(':') ? `[${node.host}]:${node.port}` : `${node.host}:${node.port}`;
}
