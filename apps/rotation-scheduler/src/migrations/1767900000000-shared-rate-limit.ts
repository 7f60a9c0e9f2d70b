import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One token bucket for every scheduler instance (see due-loop/shared-rate-limit.ts). It starts
 * long refilled, so the first instance finds one second's worth of firings.
 */
export class SchedulerSharedRateLimit1767900000000 implements MigrationInterface {
  readonly name = 'SchedulerSharedRateLimit1767900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "scheduler_rate_limit" (
        "id" smallint PRIMARY KEY CHECK ("id" = 1),
        "tokens" double precision NOT NULL,
        "refilled_at" timestamptz NOT NULL
      )`);
    await q.query(`INSERT INTO "scheduler_rate_limit" ("id", "tokens", "refilled_at") VALUES (1, 0, '2000-01-01T00:00:00Z')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE "scheduler_rate_limit"');
  }
}
