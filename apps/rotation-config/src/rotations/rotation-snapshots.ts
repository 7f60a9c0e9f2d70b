import { RotationState } from '@rotor/rotation-domain';
import { EntityManager } from 'typeorm';

/**
 * The form of RotationState that snapshots hold. Raise it whenever RotationState gains,
 * loses or re-means a field, or evolveRotation changes what an event does to it: rows of an
 * older shape are then ignored (the stream is replayed) and rewritten on the next append.
 */
export const SNAPSHOT_SHAPE = 1;

export interface Snapshot {
  state: RotationState;
  /** The stream version the state is after. */
  version: number;
}

/** `rotation_snapshots`: one row per rotation, written with every append to its stream. */
export const RotationSnapshots = {
  /**
   * The rotation's snapshot (null when it has none of the current shape), and whether it has a
   * row at all. `forUpdate` locks the row to the end of the transaction, so writers of one
   * rotation take turns instead of racing for the stream version.
   */
  async read(tx: EntityManager, rotationId: string, opts: { forUpdate?: boolean } = {}): Promise<{ snapshot: Snapshot | null; locked: boolean }> {
    const rows: { version: number; shape: number; state: RotationState }[] = await tx.query(
      `SELECT version, shape, state FROM rotation_snapshots WHERE rotation_id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`,
      [rotationId],
    );
    const row = rows[0];
    return {
      snapshot: row && row.shape === SNAPSHOT_SHAPE ? { state: row.state, version: row.version } : null,
      locked: row !== undefined && opts.forUpdate === true,
    };
  },

  /**
   * The upsert of the state after `version`, for EventStore.append's `alsoWrite`: written only
   * where `onlyIf` holds (the append happens), never going back to an older version.
   */
  upsert(rotationId: string, snapshot: Snapshot): (params: unknown[], onlyIf: string) => string {
    return (params, onlyIf) => {
      params.push(rotationId, snapshot.version, SNAPSHOT_SHAPE, JSON.stringify(snapshot.state));
      const n = params.length - 3;
      return `INSERT INTO rotation_snapshots (rotation_id, version, shape, state)
              SELECT $${n}::text, $${n + 1}::int, $${n + 2}::int, $${n + 3}::jsonb WHERE ${onlyIf}
              ON CONFLICT (rotation_id) DO UPDATE SET version = EXCLUDED.version, shape = EXCLUDED.shape, state = EXCLUDED.state
               WHERE rotation_snapshots.version < EXCLUDED.version OR rotation_snapshots.shape <> EXCLUDED.shape`;
    };
  },
};
