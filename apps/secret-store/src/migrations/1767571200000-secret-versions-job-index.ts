import { MigrationInterface, QueryRunner } from 'typeorm';

/** Finds the versions a rotation job wrote, for "which of these jobs are stored?" (rotation-config asks). */
export class SecretVersionsJobIndex1767571200000 implements MigrationInterface {
  readonly name = 'SecretVersionsJobIndex1767571200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX "secret_versions_job_idx" ON "secret_versions" ("job_id") WHERE "job_id" IS NOT NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX "secret_versions_job_idx"');
  }
}
