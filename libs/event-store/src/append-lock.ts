import { EntityManager } from 'typeorm';

/**
 * Every append takes this transaction-scoped lock before drawing positions, so appends commit
 * in position order. Without it, a transaction holding position 10 could commit after one
 * holding 11, and a reader of `readAll(afterPosition)` that had already moved past 11 would
 * skip 10 forever. Rotor appends a handful of events per rotation, so serialising appends
 * costs nothing that matters; to keep the lock short, append as the last write of a
 * transaction.
 */
const LOCK_CLASS = 0x524f54; // 'ROT'
const APPEND_LOCK = 1;

/**
 * Takes the lock, and reads the stream's version, in one round trip. The version is read with the
 * statement's snapshot, taken before the lock was granted: an append to the same stream that
 * committed during the wait is not seen here, and the insert then fails on
 * UNIQUE(stream_id, version) instead — the same VersionConflictError, found a step later.
 */
export async function lockAppendsAndReadVersion(tx: EntityManager, streamId: string): Promise<number> {
  const [{ version }]: { version: number }[] = await tx.query(
    `SELECT pg_advisory_xact_lock($1, $2) AS locked,
            (SELECT COALESCE(MAX(version), 0)::int FROM es_events WHERE stream_id = $3) AS version`,
    [LOCK_CLASS, APPEND_LOCK, streamId],
  );
  return version;
}
