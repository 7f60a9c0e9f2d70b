import type { ConnectionCheckResult } from './connection-check';
import type { AclPersistenceModeInput, ConnectionTls } from './connection.schemas';

/** Topology as stored: the sentinel password sealed, never plaintext. */
export type StoredTopology =
  | { type: 'single' }
  | { type: 'replicas'; replicas: { host: string; port: number }[] }
  | {
      type: 'sentinel';
      masterName: string;
      sentinels: { host: string; port: number }[];
      sentinelUsername: string | null;
      sentinelPasswordSealed: string | null;
    }
  | { type: 'cluster' };

export interface StoredConnection {
  id: string;
  projectId: string;
  name: string;
  description: string | null;
  host: string;
  port: number;
  username: string;
  passwordSealed: string;
  tls: ConnectionTls;
  topology: StoredTopology;
  aclPersistenceMode: AclPersistenceModeInput;
  createdAt: Date;
  updatedAt: Date;
}

/** What the API answers: passwords are write-only and never appear. */
export interface AppConnectionView {
  id: string;
  projectId: string;
  name: string;
  description: string | null;
  app: 'redis';
  method: 'username-and-password';
  host: string;
  port: number;
  username: string;
  tls: ConnectionTls;
  topology:
    | { type: 'single' }
    | { type: 'replicas'; replicas: { host: string; port: number }[] }
    | { type: 'sentinel'; masterName: string; sentinels: { host: string; port: number }[]; sentinelUsername: string | null }
    | { type: 'cluster' };
  /** Added by Rotor: how its ACL changes are kept across a restart (auto, config-rewrite, managed). */
  aclPersistenceMode: AclPersistenceModeInput;
  createdAt: string;
  updatedAt: string;
}

export function toConnectionView(c: StoredConnection): AppConnectionView {
  const topology: AppConnectionView['topology'] =
    c.topology.type === 'sentinel'
      ? { type: 'sentinel', masterName: c.topology.masterName, sentinels: c.topology.sentinels, sentinelUsername: c.topology.sentinelUsername }
      : c.topology;
  return {
    id: c.id,
    projectId: c.projectId,
    name: c.name,
    description: c.description,
    app: 'redis',
    method: 'username-and-password',
    host: c.host,
    port: c.port,
    username: c.username,
    tls: c.tls,
    topology,
    aclPersistenceMode: c.aclPersistenceMode,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

/** The answer to a create or update: the connection, and what its check found (when it ran). */
export interface ConnectionAnswer {
  appConnection: AppConnectionView;
  connectionCheck?: ConnectionCheckResult;
}
