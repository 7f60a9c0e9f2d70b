import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

export interface GenerationGuard {
  lastGeneration: number;
  deleted: boolean;
}

interface GuardRecord {
  last_generation: number;
  deleted_at: Date | null;
}

interface GuardColumns {
  guard_last_generation: number;
  guard_deleted_at: Date | null;
}

// Creates the row or, when it exists, locks it like an UPDATE (waiting for its current writer
// and reading what that one committed): one round trip either way.
const LOCK_GUARD = `INSERT INTO rotation_generations (rotation_id) VALUES ($1)
  ON CONFLICT (rotation_id) DO UPDATE SET rotation_id = EXCLUDED.rotation_id
  RETURNING last_generation, deleted_at`;

function toGuard(row: GuardRecord): GenerationGuard {
  return { lastGeneration: row.last_generation, deleted: row.deleted_at !== null };
}

/**
 * The newest generation applied per rotation, and a tombstone once the rotation is deleted.
 * CredentialsRotated and RotationDeleted travel on different topics, so Kafka orders neither
 * against the other; the tombstone keeps a late CredentialsRotated from reviving deleted or
 * detached secrets.
 */
@Injectable()
export class RotationGenerations {
  /** Reads the rotation's guard row, locked until the transaction ends: one writer per rotation. */
  async lock(tx: EntityManager, rotationId: string): Promise<GenerationGuard> {
    const [row]: GuardRecord[] = await tx.query(LOCK_GUARD, [rotationId]);
    return toGuard(row);
  }

  /**
   * lock(), and in the same statement the rows `then` selects FOR UPDATE, locked right after
   * the guard row: one round trip instead of two, in the order every writer of a rotation
   * locks (the guard first). `then` gets the parameters (the rotation id is $1; it appends
   * its own) and `afterGuard`, a condition its WHERE must include: with it Postgres locks the
   * guard row before any row of its own. Rows are null-padded when `then` selects none.
   */
  async lockThen<R>(
    tx: EntityManager, rotationId: string, then: (params: unknown[], afterGuard: string) => string,
  ): Promise<{ guard: GenerationGuard; rows: R[] }> {
    const params: unknown[] = [rotationId];
    const rows: (R & GuardColumns)[] = await tx.query(
      `WITH guard AS (${LOCK_GUARD}), locked AS (${then(params, 'EXISTS (SELECT 1 FROM guard)')})
       SELECT g.last_generation AS guard_last_generation, g.deleted_at AS guard_deleted_at, l.* FROM guard g LEFT JOIN locked l ON true`,
      params,
    );
    return {
      guard: toGuard({ last_generation: rows[0].guard_last_generation, deleted_at: rows[0].guard_deleted_at }),
      rows,
    };
  }

  async advance(tx: EntityManager, rotationId: string, generation: number): Promise<void> {
    await tx.query('UPDATE rotation_generations SET last_generation = $2 WHERE rotation_id = $1', [rotationId, generation]);
  }

  async markDeleted(tx: EntityManager, rotationId: string, at: Date): Promise<void> {
    await tx.query('UPDATE rotation_generations SET deleted_at = $2 WHERE rotation_id = $1 AND deleted_at IS NULL', [rotationId, at]);
  }
}
