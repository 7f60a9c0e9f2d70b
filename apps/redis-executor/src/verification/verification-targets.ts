import { AnyEnvelope, RedisConnectionRef } from '@rotor/contracts';
import { EntityManager } from 'typeorm';
import { LOCK_CLASS, RotationJob, rotationJobUpsert, withOutbox } from '../executor-jobs/executor-jobs';
import { ProviderType } from '../providers';

/** One slot's credential as the executor issued it: the password sealed, never plaintext. */
export interface SlotCredential {
  username: string;
  /** Sealed for (projectId, rotationId, 'password'), the same ciphertext CredentialsRotated carried. */
  password: string;
  generation: number;
}

export interface VerificationTarget {
  rotationId: string;
  projectId: string;
  provider: ProviderType;
  connection: RedisConnectionRef;
  credentials: Partial<Record<'0' | '1', SlotCredential>>;
  activeIndex: 0 | 1 | null;
  activeGeneration: number | null;
  previousIndex: 0 | 1 | null;
  lastStatus: 'healthy' | 'drifted' | 'unverifiable' | null;
  driftedSince: Date | null;
  failedChecks: number;
}

interface Row {
  rotation_id: string;
  project_id: string;
  provider: ProviderType;
  connection: RedisConnectionRef;
  credentials: VerificationTarget['credentials'];
  active_index: 0 | 1 | null;
  active_generation: number | null;
  previous_index: 0 | 1 | null;
  last_status: VerificationTarget['lastStatus'];
  drifted_since: Date | null;
  failed_checks: number;
}

function fromRow(r: Row): VerificationTarget {
  return {
    rotationId: r.rotation_id,
    projectId: r.project_id,
    provider: r.provider,
    connection: r.connection,
    credentials: r.credentials,
    activeIndex: r.active_index,
    activeGeneration: r.active_generation,
    previousIndex: r.previous_index,
    lastStatus: r.last_status,
    driftedSince: r.drifted_since,
    failedChecks: r.failed_checks,
  };
}

/** A RotationCompleted as recordServed takes it. */
export interface ServedItem {
  rotationId: string;
  activeIndex: 0 | 1;
  generation: number;
  /** The first check: `afterDrift` when the last check found drift (this is a heal), else `regular`. */
  verifyAt: { regular: Date | null; afterDrift: Date | null };
}

/**
 * The executor's record of what it issued and what is served, for continuous verification.
 * Every write runs in the transaction of the event that caused it (inbox claim included).
 */
export const VerificationTargets = {
  /**
   * A job worked on slot `slot`: its user now has `credential` (or, after a failure, an unknown
   * password). Either way the slot no longer holds the credential it had, so it is no longer
   * "the previous one" that must still authenticate.
   */
  async recordSlotWork(
    tx: EntityManager,
    target: { rotationId: string; projectId: string; provider: ProviderType; connection: RedisConnectionRef },
    slot: 0 | 1,
    credential: SlotCredential | null,
    /** The job's executor_jobs row, written by the same statement (one round trip instead of two). */
    job?: RotationJob,
    /** Outbox rows written by the same statement too (withOutbox). */
    outbox: readonly AnyEnvelope[] = [],
  ): Promise<void> {
    const upsertJob = job ? rotationJobUpsert(job, 7) : null;
    const params: unknown[] = [target.rotationId, target.projectId, target.provider, JSON.stringify(target.connection), String(slot),
      credential === null ? null : JSON.stringify(credential), ...(upsertJob?.params ?? [])];
    const upsertTarget = `INSERT INTO verification_targets AS t (rotation_id, project_id, provider, connection, credentials)
       VALUES ($1, $2, $3, $4, CASE WHEN $6::jsonb IS NULL THEN '{}'::jsonb ELSE jsonb_build_object($5::text, $6::jsonb) END)
       ON CONFLICT (rotation_id) DO UPDATE SET
         connection = EXCLUDED.connection,
         credentials = CASE WHEN $6::jsonb IS NULL THEN t.credentials - $5::text
                            ELSE t.credentials || jsonb_build_object($5::text, $6::jsonb) END,
         previous_index = CASE WHEN t.previous_index::text = $5::text THEN NULL ELSE t.previous_index END,
         updated_at = now()`;
    await tx.query(withOutbox(upsertJob ? [`job AS (${upsertJob.sql})`] : [], upsertTarget, params, outbox), params);
  },

  /**
   * For each item, the secret store serves `generation` in slot `activeIndex`
   * (RotationCompleted). The slot it replaced becomes the previous one, which must keep
   * authenticating until the next job works on it. The first check is at `verifyAt`. One
   * statement for all: executor_record_served takes each rotation's lock (lockRotation), then
   * updates with a snapshot taken after the lock (its migration has the statement); the locks
   * are taken in rotation id order (a volatile function in the select list runs after the
   * sort). One answer per item, in order: false when this executor did not issue that
   * credential (nothing to verify with). Each rotation at most once.
   */
  async recordServed(tx: EntityManager, items: readonly ServedItem[]): Promise<boolean[]> {
    if (items.length === 0) return [];
    const rows: { rotation_id: string; served: boolean }[] = await tx.query(
      `SELECT r.rotation_id, executor_record_served($1, r.rotation_id, r.active, r.generation, r.regular, r.after_drift) AS served
         FROM unnest($2::text[], $3::smallint[], $4::int[], $5::timestamptz[], $6::timestamptz[])
           AS r(rotation_id, active, generation, regular, after_drift)
        ORDER BY r.rotation_id`,
      [
        LOCK_CLASS, items.map((i) => i.rotationId), items.map((i) => i.activeIndex), items.map((i) => i.generation),
        items.map((i) => i.verifyAt.regular), items.map((i) => i.verifyAt.afterDrift),
      ],
    );
    const served = new Map(rows.map((r) => [r.rotation_id, r.served]));
    return items.map((i) => served.get(i.rotationId) === true);
  },

  async remove(tx: EntityManager, rotationId: string): Promise<void> {
    await tx.query('DELETE FROM verification_targets WHERE rotation_id = $1', [rotationId]);
  },

  /**
   * Claims up to `limit` rotations due for a check, oldest first, and moves their next check
   * to `provisionalAt` in the same transaction: another instance skips them (SKIP LOCKED, then
   * no longer due), and a crash mid-check only delays the next one.
   */
  async claimDue(tx: EntityManager, now: Date, limit: number, provisionalAt: (id: string) => Date): Promise<VerificationTarget[]> {
    const rows: Row[] = await tx.query(
      `SELECT * FROM verification_targets
        WHERE verify_at IS NOT NULL AND verify_at <= $1 AND active_index IS NOT NULL
        ORDER BY verify_at, rotation_id LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [now, limit],
    );
    for (const r of rows) {
      await tx.query('UPDATE verification_targets SET verify_at = $2 WHERE rotation_id = $1', [r.rotation_id, provisionalAt(r.rotation_id)]);
    }
    return rows.map(fromRow);
  },

  /** The row as it is now, locked until the transaction ends (null: deleted meanwhile). */
  async lock(tx: EntityManager, rotationId: string): Promise<VerificationTarget | null> {
    const rows: Row[] = await tx.query('SELECT * FROM verification_targets WHERE rotation_id = $1 FOR UPDATE', [rotationId]);
    return rows[0] ? fromRow(rows[0]) : null;
  },

  async recordCheck(
    tx: EntityManager,
    rotationId: string,
    check: { status: 'healthy' | 'drifted' | 'unverifiable'; driftedSince: Date | null; failedChecks: number; verifyAt: Date },
  ): Promise<void> {
    await tx.query(
      `UPDATE verification_targets SET last_status = $2, drifted_since = $3, failed_checks = $4, verify_at = $5, updated_at = now()
        WHERE rotation_id = $1`,
      [rotationId, check.status, check.driftedSince, check.failedChecks, check.verifyAt],
    );
  },

  /** Rotations whose last check found a served credential rejected (the drifted gauge). */
  async countDrifted(m: EntityManager): Promise<number> {
    const [row]: { n: number }[] = await m.query(`SELECT count(*)::int AS n FROM verification_targets WHERE last_status = 'drifted'`);
    return row.n;
  },
};
