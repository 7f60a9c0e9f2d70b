import { Injectable } from '@nestjs/common';
import { RotationEvent } from '@rotor/rotation-domain';
import { EntityManager } from 'typeorm';

/** What the gateway resolved at create time and the events do not carry (display data). */
export interface CreatePlacement {
  environmentId: string;
  environmentName: string;
  folderId: string;
}

export interface AppliedEvent {
  event: RotationEvent;
  eventId: string;
  /** The event's version in its stream. */
  version: number;
  occurredAt: string;
}

/**
 * Keeps the read model (`rotations`, `rotation_secret_names`, `rotation_history`) in step
 * with the aggregate, inside the transaction that appends its events. Idempotent by stream
 * version: a row remembers the last version it applied and skips anything at or below it.
 */
@Injectable()
export class RotationsProjection {
  async apply(tx: EntityManager, applied: AppliedEvent[], placement?: CreatePlacement): Promise<void> {
    for (const a of applied) {
      if (await this.applyOne(tx, a, placement)) continue;
      await this.recordHistory(tx, a);
    }
  }

  /** True when the history row went with the update (the frequent events: one round trip each). */
  private async applyOne(tx: EntityManager, applied: AppliedEvent, placement?: CreatePlacement): Promise<boolean> {
    const { event, version } = applied;
    switch (event.type) {
      case 'RotationCreated': {
        const d = event.data;
        if (!placement) throw new Error('RotationCreated needs the environment and folder it was created in');
        await tx.query(
          `INSERT INTO rotations (id, project_id, environment_id, environment_slug, environment_name, folder_id, secret_path, name,
             description, connection_id, is_auto_rotation_enabled, rotation_interval, rotate_at_hours, rotate_at_minutes,
             parameters, secrets_mapping, stream_version, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15::jsonb, $16::jsonb, $17, $18, $18)
           ON CONFLICT (id) DO NOTHING`,
          [
            d.rotationId, d.projectId, placement.environmentId, d.environment, placement.environmentName, placement.folderId,
            d.secretPath, d.name, d.description, d.connectionId, d.isAutoRotationEnabled, d.rotationInterval,
            d.rotateAtUtc.hours, d.rotateAtUtc.minutes, JSON.stringify(d.parameters), JSON.stringify(d.secretsMapping),
            version, d.createdAt,
          ],
        );
        await this.mapSecretNames(tx, d.rotationId);
        return false;
      }
      case 'RotationUpdated': {
        const d = event.data;
        const updated = await this.update(
          tx, d.rotationId, version, d.updatedAt,
          `name = $4, description = $5, is_auto_rotation_enabled = $6, rotation_interval = $7, rotate_at_hours = $8,
           rotate_at_minutes = $9, parameters = $10::jsonb, secrets_mapping = $11::jsonb, next_rotation_at = $12`,
          [d.name, d.description, d.isAutoRotationEnabled, d.rotationInterval, d.rotateAtUtc.hours, d.rotateAtUtc.minutes,
            JSON.stringify(d.parameters), JSON.stringify(d.secretsMapping), d.nextRotationAt],
        );
        if (updated && d.changedFields.includes('secretsMapping')) await this.mapSecretNames(tx, d.rotationId);
        return false;
      }
      case 'RotationDeleted':
        // Frees the name and the secret names (cascade); the history stays.
        await tx.query('DELETE FROM rotations WHERE id = $1', [event.data.rotationId]);
        return false;
      case 'RotationRequested':
      case 'RotationCompleted':
      case 'RotationAttemptFailed':
        await this.updateWithHistory(tx, applied);
        return true;
      case 'RevocationRequested':
        return false;
    }
  }

  /**
   * The projection of `applied` as parts of the append's own statement (EventStore.append's
   * `alsoWrite`), each writing only where `onlyIf` holds: no round trip of its own. Null when
   * it needs statements of its own (a create, an update or a delete: several statements, or a
   * read of what they wrote), or when two events would update the one row (a statement
   * changes a row once).
   */
  inAppend(applied: AppliedEvent[]): ((params: unknown[], onlyIf: string) => string[]) | null {
    const updates = applied.filter((a) => progressSet(a.event, () => '') !== null).length;
    const insertOnly = applied.filter((a) => a.event.type === 'RevocationRequested').length;
    if (updates > 1 || updates + insertOnly !== applied.length) return null;
    return (params, onlyIf) => {
      const bind = binder(params);
      return applied.flatMap((a) => {
        const history = historyInsert(a, bind, onlyIf);
        const set = progressSet(a.event, bind);
        return set === null ? [history] : [progressUpdate(a, set, bind, onlyIf), history];
      });
    };
  }

  /** The update of the row and its history row in one statement (a data-modifying WITH always runs in full). */
  private async updateWithHistory(tx: EntityManager, applied: AppliedEvent): Promise<void> {
    const params: unknown[] = [];
    const bind = binder(params);
    const set = progressSet(applied.event, bind) as string;
    const update = progressUpdate(applied, set, bind);
    await tx.query(`WITH updated AS (${update}) ${historyInsert(applied, bind)}`, params);
  }

  /** `set` uses $4…; $1 = id, $2 = version, $3 = updated_at. False when already applied. */
  private async update(tx: EntityManager, id: string, version: number, at: string, set: string, params: unknown[]): Promise<boolean> {
    const result: [unknown[], number] = await tx.query(
      `UPDATE rotations SET ${set}, stream_version = $2, updated_at = $3 WHERE id = $1 AND stream_version < $2`,
      [id, version, at, ...params],
    );
    return result[1] > 0;
  }

  /** One secret name is mapped by one rotation per location (primary key). */
  private async mapSecretNames(tx: EntityManager, rotationId: string): Promise<void> {
    await tx.query('DELETE FROM rotation_secret_names WHERE rotation_id = $1', [rotationId]);
    await tx.query(
      `INSERT INTO rotation_secret_names (project_id, environment_slug, secret_path, secret_name, rotation_id)
       SELECT project_id, environment_slug, secret_path, n.name, id
         FROM rotations, LATERAL (VALUES (secrets_mapping->>'username'), (secrets_mapping->>'password')) AS n(name)
        WHERE id = $1`,
      [rotationId],
    );
  }

  private async recordHistory(tx: EntityManager, applied: AppliedEvent): Promise<void> {
    const params: unknown[] = [];
    await tx.query(historyInsert(applied, binder(params)), params);
  }
}

/** Adds a parameter to `params` and answers its placeholder, typed (a statement of many parts cannot infer every type). */
type Bind = (value: unknown, type: string) => string;

function binder(params: unknown[]): Bind {
  return (value, type) => {
    params.push(value);
    return `$${params.length}::${type}`;
  };
}

/** What a job event sets on its rotation's row; null for an event that changes no row this way. */
function progressSet(event: RotationEvent, bind: Bind): string | null {
  switch (event.type) {
    case 'RotationRequested': {
      const d = event.data;
      const jobId = bind(d.jobId, 'text');
      return `last_rotation_attempted_at = ${bind(d.requestedAt, 'timestamptz')}, last_rotation_job_id = ${jobId}, in_flight_job_id = ${jobId}`;
    }
    case 'RotationCompleted': {
      const d = event.data;
      return `active_index = ${bind(d.activeIndex, 'smallint')}, last_rotated_at = ${bind(d.rotatedAt, 'timestamptz')},
              next_rotation_at = ${bind(d.nextRotationAt, 'timestamptz')}, rotation_status = 'success',
              last_rotation_message = NULL, in_flight_job_id = NULL`;
    }
    case 'RotationAttemptFailed':
      return `rotation_status = 'failed', last_rotation_message = ${bind(event.data.message, 'text')}, in_flight_job_id = NULL`;
    default:
      return null;
  }
}

/** The row's update by `set`, at most once per stream version (skips what it already applied). */
function progressUpdate({ event, version, occurredAt }: AppliedEvent, set: string, bind: Bind, onlyIf?: string): string {
  const v = bind(version, 'int');
  return `UPDATE rotations SET ${set}, stream_version = ${v}, updated_at = ${bind(occurredAt, 'timestamptz')}
           WHERE id = ${bind(event.data.rotationId, 'uuid')} AND stream_version < ${v}${onlyIf ? ` AND ${onlyIf}` : ''} RETURNING id`;
}

/** The event's rotation_history row (once: a replayed one is skipped). */
function historyInsert({ event, eventId, version, occurredAt }: AppliedEvent, bind: Bind, onlyIf?: string): string {
  const jobId = 'jobId' in event.data ? event.data.jobId : null;
  return `INSERT INTO rotation_history (rotation_id, version, event_id, type, occurred_at, job_id, details)
          SELECT ${bind(event.data.rotationId, 'uuid')}, ${bind(version, 'int')}, ${bind(eventId, 'uuid')}, ${bind(event.type, 'text')},
                 ${bind(occurredAt, 'timestamptz')}, ${bind(jobId, 'text')}, ${bind(JSON.stringify(historyDetails(event)), 'jsonb')}
          ${onlyIf ? `WHERE ${onlyIf}` : ''} ON CONFLICT DO NOTHING`;
}

/** What the audit trail keeps of each event: facts, never a credential or a connection. */
export function historyDetails(event: RotationEvent): Record<string, unknown> {
  switch (event.type) {
    case 'RotationCreated': {
      const d = event.data;
      return {
        name: d.name, connectionId: d.connectionId, environment: d.environment, secretPath: d.secretPath,
        isAutoRotationEnabled: d.isAutoRotationEnabled, rotationInterval: d.rotationInterval, rotateAtUtc: d.rotateAtUtc,
        secretsMapping: d.secretsMapping, requestedBy: d.requestedBy,
      };
    }
    case 'RotationUpdated':
      return { changedFields: event.data.changedFields, nextRotationAt: event.data.nextRotationAt, requestedBy: event.data.requestedBy };
    case 'RotationDeleted':
      return { deleteSecrets: event.data.deleteSecrets, revokeGeneratedCredentials: event.data.revokeGeneratedCredentials, requestedBy: event.data.requestedBy };
    case 'RotationRequested': {
      const d = event.data;
      return {
        generation: d.generation, targetIndex: d.targetIndex, username: d.username, reason: d.reason, attempt: d.attempt, dueAt: d.dueAt,
        requestedBy: d.requestedBy,
      };
    }
    case 'RotationCompleted': {
      const d = event.data;
      return { generation: d.generation, activeIndex: d.activeIndex, reason: d.reason, dueAt: d.dueAt, rotatedAt: d.rotatedAt, nextRotationAt: d.nextRotationAt };
    }
    case 'RotationAttemptFailed': {
      const d = event.data;
      return { generation: d.generation, reason: d.reason, attempt: d.attempt, dueAt: d.dueAt, message: d.message, retryable: d.retryable };
    }
    case 'RevocationRequested':
      return { usernames: event.data.usernames };
  }
}
