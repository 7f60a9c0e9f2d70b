import { EntitySchema } from 'typeorm';

export type ExecutorJobOutcome = 'rotated' | 'failed' | 'revoked';

/**
 * What the executor last did for one rotation. One row per rotation, replaced by every job it
 * handles; the row mirrors the migration exactly (the schema only changes through migrations).
 */
export interface ExecutorJobRow {
  rotationId: string;
  /** The highest RotationRequested generation handled (0 when only a revocation was). */
  lastGeneration: number;
  jobId: string;
  outcome: ExecutorJobOutcome;
  updatedAt: Date;
}

export const EXECUTOR_JOBS_TABLE = 'executor_jobs';

export const ExecutorJobEntity = new EntitySchema<ExecutorJobRow>({
  name: 'ExecutorJob',
  tableName: EXECUTOR_JOBS_TABLE,
  columns: {
    rotationId: { name: 'rotation_id', type: 'text', primary: true, primaryKeyConstraintName: 'executor_jobs_pkey' },
    lastGeneration: { name: 'last_generation', type: 'integer' },
    jobId: { name: 'job_id', type: 'text' },
    outcome: { type: 'text' },
    updatedAt: { name: 'updated_at', type: 'timestamptz', default: () => 'now()' },
  },
});
