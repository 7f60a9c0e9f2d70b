import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

export interface GenerationGuard {
  lastGeneration: number;
  deleted: boolean;
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
    // Creates the row or, when it exists, locks it like an UPDATE (waiting for its current
    // writer and reading what that one committed): one round trip either way.
    const [row]: { last_generation: number; deleted_at: Date | null }[] = await tx.query(
      `INSERT INTO rotation_generations (rotation_id) VALUES ($1)
       ON CONFLICT (rotation_id) DO UPDATE SET rotation_id = EXCLUDED.rotation_id
       RETURNING last_generation, deleted_at`,
      [rotationId],
    );
    return { lastGeneration: row.last_generation, deleted: row.deleted_at !== null };
  }

  async advance(tx: EntityManager, rotationId: string, generation: number): Promise<void> {
    await tx.query('UPDATE rotation_generations SET last_generation = $2 WHERE rotation_id = $1', [rotationId, generation]);
  }

  async markDeleted(tx: EntityManager, rotationId: string, at: Date): Promise<void> {
    await tx.query('UPDATE rotation_generations SET deleted_at = $2 WHERE rotation_id = $1 AND deleted_at IS NULL', [rotationId, at]);
  }
}
