import { AnyEnvelope } from '@rotor/contracts';
import { assertValidEnvelopes, outboxInsert, outboxNotify } from '@rotor/event-store';
import { escapeLiteral } from 'pg';
import { EntityManager } from 'typeorm';
import { ExecutorJobOutcome, ExecutorJobRow } from './executor-job.entity';

/** Advisory-lock class of the executor ('EXE'); the outbox relay's lock uses 'ROT', so keys never meet. */
export const LOCK_CLASS = 0x455845;

/**
 * Serialises every job of one rotation until the transaction ends. Kafka keeps one rotation's
 * messages on one partition, but during a rebalance two consumers can briefly hold the same
 * message; the second one waits here, then reads the first one's committed row and skips.
 * A hash collision only makes two rotations wait for each other.
 */
export async function lockRotation(tx: EntityManager, rotationId: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_CLASS, rotationId]);
}

/**
 * lockRotation(), then the rotation's row (or null), in one round trip: the function
 * executor_lock_rotation reads the row with a snapshot taken after the lock is granted, so it
 * sees what the lock's previous holder committed (see its migration).
 */
export async function lockRotationAndFindJob(tx: EntityManager, rotationId: string): Promise<ExecutorJobRow | null> {
  const rows: JobRecord[] = await tx.query(
    'SELECT rotation_id, last_generation, job_id, outcome, updated_at FROM executor_lock_rotation($1, $2)',
    [LOCK_CLASS, rotationId],
  );
  return rows[0] ? jobRowOf(rows[0]) : null;
}

interface JobRecord {
  rotation_id: string;
  last_generation: number;
  job_id: string;
  outcome: ExecutorJobOutcome;
  /** A Date as pg parses it; a string in JSON. */
  updated_at: Date | string;
}

function jobRowOf(r: JobRecord): ExecutorJobRow {
  return { rotationId: r.rotation_id, lastGeneration: r.last_generation, jobId: r.job_id, outcome: r.outcome, updatedAt: new Date(r.updated_at) };
}

/**
 * lockRotationAndFindJob() for several rotations, in rotation id order (so two such statements
 * never deadlock), as the text of one statement without parameters: a consumer's read ahead,
 * sent with its inbox claim. Its rows go to lockedJobsOf().
 */
export function lockRotationsText(rotationIds: readonly string[]): string {
  const ids = [...new Set(rotationIds)].map((id) => escapeLiteral(id)).join(', ');
  return `SELECT r.rotation_id AS locked, j.rotation_id, j.last_generation, j.job_id, j.outcome, j.updated_at
    FROM (SELECT DISTINCT unnest(ARRAY[${ids}]::text[]) AS rotation_id ORDER BY 1) r
    LEFT JOIN LATERAL executor_lock_rotation(${LOCK_CLASS}, r.rotation_id) j ON true`;
}

/** Per rotation lockRotationsText() locked, its row (or null), from that statement's rows as JSON objects. */
export function lockedJobsOf(rows: readonly Record<string, unknown>[]): Map<string, ExecutorJobRow | null> {
  return new Map(rows.map((r) => [r['locked'] as string, r['job_id'] === null ? null : jobRowOf(r as unknown as JobRecord)]));
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

export interface RotationJob {
  rotationId: string;
  generation: number;
  jobId: string;
  outcome: Exclude<ExecutorJobOutcome, 'revoked'>;
}

/**
 * The upsert of a rotation job's row, its parameters numbered from `$first`: a statement of
 * its own (recordRotationJob) or a CTE of another write of the same job, saving a round trip.
 */
export function rotationJobUpsert(job: RotationJob, first: number): { sql: string; params: unknown[] } {
  const [id, gen, jobId, outcome] = [first, first + 1, first + 2, first + 3].map((n) => `$${n}`);
  return {
    sql: `INSERT INTO executor_jobs (rotation_id, last_generation, job_id, outcome, updated_at)
     VALUES (${id}, ${gen}, ${jobId}, ${outcome}, now())
     ON CONFLICT (rotation_id) DO UPDATE
       SET last_generation = EXCLUDED.last_generation, job_id = EXCLUDED.job_id,
           outcome = EXCLUDED.outcome, updated_at = now()`,
    params: [job.rotationId, job.generation, job.jobId, job.outcome],
  };
}

/** The job's row, and the outbox rows of `outbox` in the same statement (withOutbox). */
export async function recordRotationJob(tx: EntityManager, job: RotationJob, outbox: readonly AnyEnvelope[] = []): Promise<void> {
  const { sql, params } = rotationJobUpsert(job, 1);
  await tx.query(withOutbox([], sql, params, outbox), params);
}

/**
 * `main` (after the WITH parts `ctes`), and the outbox rows of `events` with their NOTIFY as
 * Outbox.enqueue writes them (checked against the contract the same way), in one statement:
 * a data-modifying WITH always runs in full, so all are written or none. Adds the outbox
 * parameters to `params`; without events, just the statement.
 */
export function withOutbox(ctes: string[], main: string, params: unknown[], events: readonly AnyEnvelope[]): string {
  if (events.length === 0) return ctes.length === 0 ? main : `WITH ${ctes.join(',\n')}\n${main}`;
  const json = assertValidEnvelopes(events);
  const queued = outboxInsert(events, params, undefined, json);
  return `WITH ${[...ctes, `written AS (${main})`, `queued AS (${queued})`].join(',\n')}\nSELECT ${outboxNotify(params)}`;
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
