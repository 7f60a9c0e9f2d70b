import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RedisConnectionRef } from '@rotor/contracts';
import { RotorError } from '@rotor/util';
import { DataSource, EntityManager } from 'typeorm';
import { StoredConnection, StoredTopology } from './connection.types';

interface ConnectionRow {
  id: string;
  project_id: string;
  name: string;
  description: string | null;
  host: string;
  port: number;
  username: string;
  password_sealed: string;
  tls: StoredConnection['tls'];
  topology: StoredTopology;
  acl_persistence_mode: StoredConnection['aclPersistenceMode'];
  created_at: Date;
  updated_at: Date;
}

export const CONNECTION_NOT_FOUND = 'CONNECTION.NOT_FOUND';

export function connectionNotFound(): RotorError {
  return RotorError.notFound(CONNECTION_NOT_FOUND, 'the Redis connection does not exist');
}

/** redis_connections: plain rows, passwords sealed before they get here. */
@Injectable()
export class ConnectionsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async insert(c: StoredConnection, tx?: EntityManager): Promise<void> {
    await (tx ?? this.ds.manager).query(
      `INSERT INTO redis_connections (id, project_id, name, description, host, port, username, password_sealed, tls, topology, created_at, updated_at, acl_persistence_mode)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::jsonb, $11, $12, $13)`,
      [c.id, c.projectId, c.name, c.description, c.host, c.port, c.username, c.passwordSealed, JSON.stringify(c.tls), JSON.stringify(c.topology), c.createdAt, c.updatedAt, c.aclPersistenceMode],
    );
  }

  async update(c: StoredConnection, tx?: EntityManager): Promise<void> {
    await (tx ?? this.ds.manager).query(
      `UPDATE redis_connections SET name = $2, description = $3, host = $4, port = $5, username = $6, password_sealed = $7,
         tls = $8::jsonb, topology = $9::jsonb, updated_at = $10, acl_persistence_mode = $11 WHERE id = $1`,
      [c.id, c.name, c.description, c.host, c.port, c.username, c.passwordSealed, JSON.stringify(c.tls), JSON.stringify(c.topology), c.updatedAt, c.aclPersistenceMode],
    );
  }

  async delete(id: string, tx?: EntityManager): Promise<void> {
    await (tx ?? this.ds.manager).query('DELETE FROM redis_connections WHERE id = $1', [id]);
  }

  /** The connection, if it exists and (when `projectId` is given) belongs to that project. */
  async find(id: string, projectId?: string, tx?: EntityManager, forUpdate = false): Promise<StoredConnection | null> {
    if (!isUuid(id)) return null;
    const rows: ConnectionRow[] = await (tx ?? this.ds.manager).query(
      `SELECT * FROM redis_connections WHERE id = $1 ${forUpdate ? 'FOR UPDATE' : ''}`,
      [id],
    );
    const row = rows[0];
    if (!row || (projectId !== undefined && row.project_id !== projectId)) return null;
    return toStored(row);
  }

  async get(id: string, projectId?: string, tx?: EntityManager, forUpdate = false): Promise<StoredConnection> {
    const found = await this.find(id, projectId, tx, forUpdate);
    if (!found) throw connectionNotFound();
    return found;
  }

  async listByProject(projectId: string): Promise<StoredConnection[]> {
    const rows: ConnectionRow[] = await this.ds.query(
      'SELECT * FROM redis_connections WHERE project_id = $1 ORDER BY created_at, id',
      [projectId],
    );
    return rows.map(toStored);
  }

  async nameTaken(projectId: string, name: string, exceptId: string | null, tx?: EntityManager): Promise<boolean> {
    const rows: unknown[] = await (tx ?? this.ds.manager).query(
      'SELECT 1 FROM redis_connections WHERE project_id = $1 AND name = $2 AND id IS DISTINCT FROM $3::uuid',
      [projectId, name, exceptId],
    );
    return rows.length > 0;
  }

  /** What the executor needs to reach the deployment, passwords still sealed. */
  async ref(id: string, tx?: EntityManager): Promise<RedisConnectionRef> {
    return refOf(await this.get(id, undefined, tx));
  }
}

/**
 * The connection's row as `to_jsonb(redis_connections)` answers it, for a statement that reads
 * it with something else (one round trip); null for no row.
 */
export function connectionFromJson(json: Record<string, unknown> | null): StoredConnection | null {
  if (json === null) return null;
  const row = json as unknown as ConnectionRow;
  return toStored({ ...row, created_at: new Date(row.created_at), updated_at: new Date(row.updated_at) });
}

/** What the executor needs to reach the deployment, passwords still sealed. */
export function refOf(c: StoredConnection): RedisConnectionRef {
  return {
    connectionId: c.id,
    host: c.host,
    port: c.port,
    username: c.username,
    password: c.passwordSealed,
    tls: {
      enabled: c.tls.enabled,
      caCertificate: c.tls.caCertificate ?? null,
      rejectUnauthorized: c.tls.rejectUnauthorized,
      servername: c.tls.servername ?? null,
    },
    topology:
      c.topology.type === 'sentinel'
        ? {
            type: 'sentinel',
            masterName: c.topology.masterName,
            sentinels: c.topology.sentinels,
            sentinelUsername: c.topology.sentinelUsername,
            sentinelPassword: c.topology.sentinelPasswordSealed,
          }
        : c.topology,
    aclPersistenceMode: c.aclPersistenceMode,
  };
}

function toStored(row: ConnectionRow): StoredConnection {
  return {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    description: row.description,
    host: row.host,
    port: row.port,
    username: row.username,
    passwordSealed: row.password_sealed,
    tls: row.tls,
    topology: row.topology,
    aclPersistenceMode: row.acl_persistence_mode,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(id: string): boolean {
  return UUID.test(id);
}
