import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { rotationNotFound } from '@rotor/rotation-domain';
import { DataSource, EntityManager } from 'typeorm';
import { isUuid } from '../connections/connections.repository';
import { RotationHistoryEntry, RotationRow, SecretRotationView, historyActor, toRotationView } from './rotation.view';

/**
 * The rotations columns a RotationRow holds, each named (the type makes the list complete): a
 * text with a star is never sent as a prepared statement (service-runtime's
 * prepared-statements), and this read answers every rotate-secrets and every read of a rotation.
 */
const ROTATION_COLUMNS: Record<Exclude<keyof RotationRow, 'connection_name'>, 1> = {
  id: 1, project_id: 1, environment_id: 1, environment_slug: 1, environment_name: 1, folder_id: 1,
  secret_path: 1, name: 1, description: 1, connection_id: 1, is_auto_rotation_enabled: 1,
  rotation_interval: 1, rotate_at_hours: 1, rotate_at_minutes: 1, parameters: 1, secrets_mapping: 1,
  active_index: 1, rotation_status: 1, last_rotation_attempted_at: 1, last_rotated_at: 1,
  last_rotation_job_id: 1, last_rotation_message: 1, next_rotation_at: 1, in_flight_job_id: 1,
  stream_version: 1, created_at: 1, updated_at: 1, verification_status: 1, last_verified_at: 1,
  last_verification_message: 1,
};

/** The columns of a RotationRow that are timestamps (Dates, as pg parses them; strings in JSON). */
const TIMESTAMP_COLUMNS = ['last_rotation_attempted_at', 'last_rotated_at', 'next_rotation_at', 'created_at', 'updated_at', 'last_verified_at'] as const;

/**
 * The row findRow would read, from the JSON of a rotations row with its connection's name (a
 * settled job's notification carries one): the same columns, timestamps as Dates. Undefined for
 * anything else.
 */
export function rotationRowFromJson(json: string): RotationRow | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const source = value as Record<string, unknown>;
  const row: Record<string, unknown> = {};
  for (const column of [...Object.keys(ROTATION_COLUMNS), 'connection_name']) {
    if (!(column in source)) return undefined;
    row[column] = source[column];
  }
  for (const column of TIMESTAMP_COLUMNS) {
    const at = row[column];
    if (at === null) continue;
    if (typeof at !== 'string' || Number.isNaN(Date.parse(at))) return undefined;
    row[column] = new Date(at);
  }
  return row as unknown as RotationRow;
}

const SELECT_ROTATION = `
  SELECT ${Object.keys(ROTATION_COLUMNS).map((c) => `r.${c}`).join(', ')}, c.name AS connection_name
    FROM rotations r JOIN redis_connections c ON c.id = r.connection_id`;

/** Reads of the read model, shaped as the Infisical-compatible API answers them. */
@Injectable()
export class RotationsReadModel {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async findRow(id: string, projectId?: string, tx?: EntityManager): Promise<RotationRow | null> {
    if (!isUuid(id)) return null;
    const rows: RotationRow[] = await (tx ?? this.ds.manager).query(`${SELECT_ROTATION} WHERE r.id = $1`, [id]);
    const row = rows[0];
    return row && (projectId === undefined || row.project_id === projectId) ? row : null;
  }

  async get(id: string, projectId?: string): Promise<SecretRotationView> {
    const row = await this.findRow(id, projectId);
    if (!row) throw rotationNotFound();
    return toRotationView(row);
  }

  async listRows(projectId: string): Promise<RotationRow[]> {
    return this.ds.query(`${SELECT_ROTATION} WHERE r.project_id = $1 ORDER BY r.created_at, r.id`, [projectId]);
  }

  async findRowByName(projectId: string, environment: string, secretPath: string, name: string): Promise<RotationRow | null> {
    const rows: RotationRow[] = await this.ds.query(
      `${SELECT_ROTATION} WHERE r.project_id = $1 AND r.environment_slug = $2 AND r.secret_path = $3 AND r.name = $4`,
      [projectId, environment, secretPath, name],
    );
    return rows[0] ?? null;
  }

  async history(rotationId: string): Promise<RotationHistoryEntry[]> {
    const rows: { event_id: string; version: number; type: string; occurred_at: Date; job_id: string | null; details: Record<string, unknown> }[] =
      await this.ds.query(
        'SELECT event_id, version, type, occurred_at, job_id, details FROM rotation_history WHERE rotation_id = $1 ORDER BY version',
        [rotationId],
      );
    return rows.map((r) => ({
      eventId: r.event_id,
      version: r.version,
      type: r.type,
      occurredAt: r.occurred_at.toISOString(),
      jobId: r.job_id,
      actor: historyActor(r.type, r.details),
      details: r.details,
    }));
  }

  /** How a job ended, from the history: its RotationCompleted or last RotationAttemptFailed. */
  async jobEnding(rotationId: string, jobId: string): Promise<{ type: 'RotationCompleted' | 'RotationAttemptFailed'; message: string | null } | null> {
    const rows: { type: 'RotationCompleted' | 'RotationAttemptFailed'; message: string | null }[] = await this.ds.query(
      `SELECT type, details->>'message' AS message FROM rotation_history
        WHERE rotation_id = $1 AND job_id = $2 AND type IN ('RotationCompleted', 'RotationAttemptFailed')
        ORDER BY version DESC LIMIT 1`,
      [rotationId, jobId],
    );
    return rows[0] ?? null;
  }

  /** Names already taken at a location, for answers that name the field. */
  async conflicts(
    loc: { projectId: string; environment: string; secretPath: string },
    name: string | undefined,
    secretNames: string[],
    exceptRotationId: string | null,
    tx?: EntityManager,
  ): Promise<{ nameTaken: boolean; mappedBy: Map<string, string> }> {
    const m = tx ?? this.ds.manager;
    const nameRows: unknown[] = name === undefined ? [] : await m.query(
      `SELECT 1 FROM rotations WHERE project_id = $1 AND environment_slug = $2 AND secret_path = $3 AND name = $4
          AND id IS DISTINCT FROM $5::uuid`,
      [loc.projectId, loc.environment, loc.secretPath, name, exceptRotationId],
    );
    const mapped: { secret_name: string; rotation_name: string }[] = secretNames.length === 0 ? [] : await m.query(
      `SELECT s.secret_name, r.name AS rotation_name FROM rotation_secret_names s JOIN rotations r ON r.id = s.rotation_id
        WHERE s.project_id = $1 AND s.environment_slug = $2 AND s.secret_path = $3 AND s.secret_name = ANY($4::text[])
          AND s.rotation_id IS DISTINCT FROM $5::uuid`,
      [loc.projectId, loc.environment, loc.secretPath, secretNames, exceptRotationId],
    );
    return { nameTaken: nameRows.length > 0, mappedBy: new Map(mapped.map((r) => [r.secret_name, r.rotation_name])) };
  }
}
