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

export async function lockAppends(tx: EntityManager): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_CLASS, APPEND_LOCK]);
}
