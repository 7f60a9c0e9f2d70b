import { MigrationInterface, QueryRunner } from 'typeorm';

/** executor_jobs: per rotation, the last generation handled, its job id and outcome. */
export class ExecutorJobs1767400000000 implements MigrationInterface {
  readonly name = 'ExecutorJobs1767400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "executor_jobs" (
        "rotation_id" text NOT NULL,
        "last_generation" integer NOT NULL,
        "job_id" text NOT NULL,
        "outcome" text NOT NULL,
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "executor_jobs_pkey" PRIMARY KEY ("rotation_id"),
        CONSTRAINT "executor_jobs_outcome_chk" CHECK ("outcome" IN ('rotated', 'failed', 'revoked')),
        CONSTRAINT "executor_jobs_generation_chk" CHECK ("last_generation" >= 0)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "executor_jobs"`);
  }
}
