import { RotationState } from '@rotor/rotation-domain';
import { escapeLiteral } from 'pg';
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

const UUID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

export interface ReadOptions {
  forUpdate?: boolean;
  withConnection?: boolean;
  /**
   * The rotation id written into the text (quoted) rather than sent as a parameter: when the
   * read opens a transaction, a statement without parameters goes out with its START
   * TRANSACTION in one round trip (deferTransactionStart in @rotor/service-runtime). Only
   * there: such a text is never a prepared statement.
   */
  inline?: boolean;
}

/** A rotation's snapshot as RotationSnapshots.read finds it. */
export interface SnapshotRead {
  snapshot: Snapshot | null;
  locked: boolean;
  connection: Record<string, unknown> | null;
}

interface SnapshotRecord {
  rotation_id: string;
  version: number;
  shape: number;
  state: RotationState;
  connection?: Record<string, unknown> | null;
}

function selectSnapshots(where: string, opts: ReadOptions, order = ''): string {
  // The connection id is cast only when it is a uuid (a state before create has none).
  const connection = opts.withConnection
    ? `, (SELECT to_jsonb(c) FROM redis_connections c
          WHERE c.id = CASE WHEN s.state->>'connectionId' ~* '${UUID_PATTERN}' THEN (s.state->>'connectionId')::uuid END) AS connection`
    : '';
  return `SELECT s.rotation_id, s.version, s.shape, s.state${connection}
            FROM rotation_snapshots s WHERE ${where} ${order}${opts.forUpdate ? ' FOR UPDATE OF s' : ''}`;
}

function toRead(row: SnapshotRecord | undefined, opts: ReadOptions): SnapshotRead {
  return {
    snapshot: row && row.shape === SNAPSHOT_SHAPE ? { state: row.state, version: row.version } : null,
    locked: row !== undefined && opts.forUpdate === true,
    connection: row?.connection ?? null,
  };
}

/** `rotation_snapshots`: one row per rotation, written with every append to its stream. */
export const RotationSnapshots = {
  /**
   * The rotation's snapshot (null when it has none of the current shape), and whether it has a
   * row at all. `forUpdate` locks the row to the end of the transaction, so writers of one
   * rotation take turns instead of racing for the stream version. `withConnection` reads the
   * Redis connection the snapshot names in the same statement (not locked, as a read of its
   * own would not be): `connection` is its row as JSON, null when there is none.
   */
  async read(tx: EntityManager, rotationId: string, opts: ReadOptions = {}): Promise<SnapshotRead> {
    const rows: SnapshotRecord[] = opts.inline
      ? await tx.query(selectSnapshots(`s.rotation_id = ${escapeLiteral(rotationId)}`, opts))
      : await tx.query(selectSnapshots('s.rotation_id = $1', opts), [rotationId]);
    return toRead(rows[0], opts);
  },

  /**
   * read() for several rotations in one statement, rows locked in rotation id order (the
   * order that keeps two such reads from deadlocking), the ids written into its text (quoted):
   * a consumer's read ahead, sent with its inbox claim, which takes no parameters. Its rows go
   * to readsOf().
   */
  readManyText(rotationIds: string[], opts: ReadOptions = {}): string {
    return selectSnapshots(`s.rotation_id IN (${rotationIds.map((id) => escapeLiteral(id)).join(', ')})`, opts, 'ORDER BY s.rotation_id');
  },

  /**
   * Per rotation, what read() would answer, from the rows readManyText()'s statement gave (as
   * JSON objects, or as pg parsed them); a rotation without a row reads as read() reads it.
   */
  readsOf(rows: Record<string, unknown>[], rotationIds: string[], opts: ReadOptions = {}): Map<string, SnapshotRead> {
    const byId = new Map((rows as unknown as SnapshotRecord[]).map((row) => [row.rotation_id, row]));
    return new Map(rotationIds.map((id) => [id, toRead(byId.get(id), opts)]));
  },

  /** For EventStore.append's `lockFirst`: the rotation's snapshot row, locked. */
  lock(rotationId: string): (params: unknown[]) => string {
    return (params) => {
      params.push(rotationId);
      return `SELECT 1 FROM rotation_snapshots WHERE rotation_id = $${params.length}::text FOR UPDATE`;
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
