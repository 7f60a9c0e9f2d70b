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
      case 'RotationRequested': {
        const d = event.data;
        await this.updateWithHistory(tx, applied,
          'last_rotation_attempted_at = $4, last_rotation_job_id = $5, in_flight_job_id = $5',
          [d.requestedAt, d.jobId]);
        return true;
      }
      case 'RotationCompleted': {
        const d = event.data;
        await this.updateWithHistory(tx, applied,
          `active_index = $4, last_rotated_at = $5, next_rotation_at = $6, rotation_status = 'success',
           last_rotation_message = NULL, in_flight_job_id = NULL`,
          [d.activeIndex, d.rotatedAt, d.nextRotationAt]);
        return true;
      }
      case 'RotationAttemptFailed': {
        const d = event.data;
        await this.updateWithHistory(tx, applied,
          `rotation_status = 'failed', last_rotation_message = $4, in_flight_job_id = NULL`,
          [d.message]);
        return true;
      }
      case 'RevocationRequested':
        return false;
    }
  }

  /** update() and recordHistory() in one statement (a data-modifying WITH always runs in full). */
  private async updateWithHistory(tx: EntityManager, applied: AppliedEvent, set: string, params: unknown[]): Promise<void> {
    const { event, eventId, version, occurredAt } = applied;
    const jobId = 'jobId' in event.data ? event.data.jobId : null;
    const h = params.length + 4;
    await tx.query(
      `WITH updated AS (
         UPDATE rotations SET ${set}, stream_version = $2, updated_at = $3 WHERE id = $1 AND stream_version < $2 RETURNING id
       )
       INSERT INTO rotation_history (rotation_id, version, event_id, type, occurred_at, job_id, details)
       VALUES ($1, $2, $${h}, $${h + 1}, $3, $${h + 2}, $${h + 3}::jsonb) ON CONFLICT DO NOTHING`,
      [event.data.rotationId, version, occurredAt, ...params, eventId, event.type, jobId, JSON.stringify(historyDetails(event))],
    );
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

  private async recordHistory(tx: EntityManager, { event, eventId, version, occurredAt }: AppliedEvent): Promise<void> {
    const jobId = 'jobId' in event.data ? event.data.jobId : null;
    await tx.query(
      `INSERT INTO rotation_history (rotation_id, version, event_id, type, occurred_at, job_id, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) ON CONFLICT DO NOTHING`,
      [event.data.rotationId, version, eventId, event.type, occurredAt, jobId, JSON.stringify(historyDetails(event))],
    );
  }
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
