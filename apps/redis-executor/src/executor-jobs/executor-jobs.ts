import { EntityManager } from 'typeorm';
import { ExecutorJobEntity, ExecutorJobOutcome, ExecutorJobRow } from './executor-job.entity';

/** Advisory-lock class of the executor ('EXE'); the event store uses 'ROT', so keys never meet. */
const LOCK_CLASS = 0x455845;

/**
 * Serialises every job of one rotation until the transaction ends. Kafka keeps one rotation's
 * messages on one partition, but during a rebalance two consumers can briefly hold the same
 * message; the second one waits here, then reads the first one's committed row and skips.
 * A hash collision only makes two rotations wait for each other.
 */
export async function lockRotation(tx: EntityManager, rotationId: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_CLASS, rotationId]);
}

export function findJob(tx: EntityManager, rotationId: string): Promise<ExecutorJobRow | null> {
  return tx.getRepository(ExecutorJobEntity).findOneBy({ rotationId });
}

/** Why a RotationRequested of `generation` must not touch Redis, or null when it should run. */
export function skipReason(last: ExecutorJobRow | null, generation: number): string | null {
  if (!last) return null;
  if (last.outcome === 'revoked') return `the rotation's credentials were revoked by job ${last.jobId}`;
  if (generation <= last.lastGeneration) {
    return `generation ${generation} is not newer than generation ${last.lastGeneration} (job ${last.jobId}, ${last.outcome})`;
  }
  return null;
}

export async function recordRotationJob(
  tx: EntityManager,
  job: { rotationId: string; generation: number; jobId: string; outcome: Exclude<ExecutorJobOutcome, 'revoked'> },
): Promise<void> {
  await tx.query(
    `INSERT INTO executor_jobs (rotation_id, last_generation, job_id, outcome, updated_at)
     VALUES ($1, $2, $3, $4, now())
     ON CONFLICT (rotation_id) DO UPDATE
       SET last_generation = EXCLUDED.last_generation, job_id = EXCLUDED.job_id,
           outcome = EXCLUDED.outcome, updated_at = now()`,
    [job.rotationId, job.generation, job.jobId, job.outcome],
  );
}

/** Keeps the last generation: a RotationRequested that arrives after this is refused by skipReason. */
export async function recordRevocationJob(tx: EntityManager, job: { rotationId: string; jobId: string }): Promise<void> {
  await tx.query(
    `INSERT INTO executor_jobs (rotation_id, last_generation, job_id, outcome, updated_at)
     VALUES ($1, 0, $2, 'revoked', now())
     ON CONFLICT (rotation_id) DO UPDATE SET job_id = EXCLUDED.job_id, outcome = 'revoked', updated_at = now()`,
    [job.rotationId, job.jobId],
  );
}
