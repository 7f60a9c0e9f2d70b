import { Injectable } from '@nestjs/common';
import { AnyEnvelope } from '@rotor/contracts';
import { EnvelopeCipher, SealContext } from '@rotor/crypto';
import { outboxInsert, outboxNotify } from '@rotor/event-store';
import { RotorError } from '@rotor/util';
import { DataSource, EntityManager } from 'typeorm';

export type SlotIndex = 0 | 1;

export interface CredentialSlot {
  username: string;
  password: string;
}

export interface RotationCredentials {
  rotationId: string;
  projectId: string;
  /** Index = slot; null for a slot never issued. */
  slots: [CredentialSlot | null, CredentialSlot | null];
  activeIndex: SlotIndex;
  generation: number;
}

export interface SlotWrite {
  rotationId: string;
  projectId: string;
  index: SlotIndex;
  username: string;
  password: string;
  generation: number;
  /** The job that wrote the slot, and the versions it gave the mapped secrets. */
  jobId: string;
  versions: StoredVersions;
  at: Date;
}

export interface StoredVersions {
  username: number;
  password: number;
}

/** What a job stored, when its credential is the rotation's active one: its RotationSecretsStored. */
export interface StoredJob {
  activeIndex: SlotIndex;
  generation: number;
  versions: StoredVersions;
  storedAt: Date;
}

interface CredentialsRecord {
  rotation_id: string;
  project_id: string;
  username_0: string | null;
  password_0: string | null;
  username_1: string | null;
  password_1: string | null;
  active_index: number;
  generation: number;
}

interface StoredJobRecord {
  active_index: number;
  generation: number;
  username_version: number;
  password_version: number;
  updated_at: Date;
}

// One statement per slot, so no column name is ever built from input. Each also advances the
// rotation's generation guard (rotation_generations, locked by the caller) and queues the
// events of the write: one round trip.
const ADVANCE = 'WITH advanced AS (UPDATE rotation_generations SET last_generation = $5 WHERE rotation_id = $1)';
const STORE_SLOT: Record<SlotIndex, string> = {
  0: `INSERT INTO rotation_credentials
        (rotation_id, project_id, username_0, password_0, active_index, generation, updated_at, job_id, username_version, password_version)
      VALUES ($1, $2, $3, $4, 0, $5, $6, $7, $8, $9)
      ON CONFLICT (rotation_id) DO UPDATE SET username_0 = $3, password_0 = $4, active_index = 0, generation = $5, updated_at = $6,
        job_id = $7, username_version = $8, password_version = $9
      WHERE rotation_credentials.project_id = $2 RETURNING rotation_id`,
  1: `INSERT INTO rotation_credentials
        (rotation_id, project_id, username_1, password_1, active_index, generation, updated_at, job_id, username_version, password_version)
      VALUES ($1, $2, $3, $4, 1, $5, $6, $7, $8, $9)
      ON CONFLICT (rotation_id) DO UPDATE SET username_1 = $3, password_1 = $4, active_index = 1, generation = $5, updated_at = $6,
        job_id = $7, username_version = $8, password_version = $9
      WHERE rotation_credentials.project_id = $2 RETURNING rotation_id`,
};

/**
 * Both credential slots of each rotation, for the generated-credentials endpoint. Passwords are
 * sealed for their project, rotation and slot: a sealed password moved to the other slot, to
 * another rotation or into an event fails to open.
 */
@Injectable()
export class RotationCredentialsRepository {
  constructor(
    private readonly ds: DataSource,
    private readonly cipher: EnvelopeCipher,
  ) {}

  /**
   * Writes the slot just rotated and makes it the active one, advances the rotation's
   * generation guard to `w.generation` (what RotationGenerations.advance does), queues
   * `events` in the outbox (what Outbox.enqueue does) and writes `alsoWrite`'s WITH parts
   * (data-modifying: the secrets' new versions), in the same statement. A rotation never
   * changes project: then the conflict thrown rolls the caller's transaction back, events too.
   */
  async storeActiveSlot(
    tx: EntityManager, w: SlotWrite, events: readonly AnyEnvelope[], alsoWrite?: (params: unknown[]) => string[],
  ): Promise<void> {
    const sealed = this.cipher.seal(w.password, slotContext(w.projectId, w.rotationId, w.index));
    const params: unknown[] = [w.rotationId, w.projectId, w.username, sealed, w.generation, w.at, w.jobId, w.versions.username, w.versions.password];
    const queued = events.length > 0 ? `, queued AS (${outboxInsert(events, params)})` : '';
    const also = alsoWrite ? alsoWrite(params).map((part) => `, ${part}`).join('') : '';
    // A SELECT in a WITH runs only when read: the NOTIFY is read by the row written.
    const written: unknown[] = await tx.query(
      `${ADVANCE}${queued}${also}, notified AS (SELECT ${outboxNotify(params)} AS n)
       ${STORE_SLOT[w.index]}, (SELECT n FROM notified)`,
      params,
    );
    if (written.length === 0) {
      throw RotorError.conflict('ROTATION.PROJECT_MISMATCH', `rotation ${w.rotationId} belongs to another project than ${w.projectId}`);
    }
  }

  /**
   * What job `jobId` stored, read in the caller's transaction; null unless its credential is
   * the rotation's active one (a later job stored over it, it stored nothing, or it stored
   * before the store kept the job of a slot).
   */
  async storedJob(tx: EntityManager, rotationId: string, jobId: string): Promise<StoredJob | null> {
    const [row]: StoredJobRecord[] = await tx.query(
      `SELECT active_index, generation, username_version, password_version, updated_at
         FROM rotation_credentials WHERE rotation_id = $1 AND job_id = $2`,
      [rotationId, jobId],
    );
    if (!row) return null;
    return {
      activeIndex: row.active_index === 1 ? 1 : 0,
      generation: row.generation,
      versions: { username: row.username_version, password: row.password_version },
      storedAt: row.updated_at,
    };
  }

  async remove(tx: EntityManager, rotationId: string): Promise<void> {
    await tx.query('DELETE FROM rotation_credentials WHERE rotation_id = $1', [rotationId]);
  }

  /** Null when the rotation has no credentials in this project (or none yet). */
  async find(projectId: string, rotationId: string): Promise<RotationCredentials | null> {
    const [row]: CredentialsRecord[] = await this.ds.query(
      'SELECT * FROM rotation_credentials WHERE rotation_id = $1 AND project_id = $2',
      [rotationId, projectId],
    );
    if (!row) return null;
    const slot = (index: SlotIndex, username: string | null, password: string | null): CredentialSlot | null =>
      username !== null && password !== null
        ? { username, password: this.cipher.open(password, slotContext(projectId, rotationId, index)) }
        : null;
    return {
      rotationId,
      projectId,
      slots: [slot(0, row.username_0, row.password_0), slot(1, row.username_1, row.password_1)],
      activeIndex: row.active_index === 1 ? 1 : 0,
      generation: row.generation,
    };
  }
}

function slotContext(projectId: string, rotationId: string, index: SlotIndex): SealContext {
  return { projectId, owner: `rotation-credentials:${rotationId}`, field: `password@slot${index}` };
}
