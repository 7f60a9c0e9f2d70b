import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * "The secrets a rotation manages in a project" as one index: lockForRotationSelect joins it with a
 * folder's keys, and with (rotation_id) alone the planner, without statistics for the table
 * (autovacuum may be off, or not have run yet), ANDed it with a scan of the whole project.
 */
export class SecretsRotationProjectIndex1767657600000 implements MigrationInterface {
  readonly name = 'SecretsRotationProjectIndex1767657600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX "secrets_rotation_idx"');
    await q.query('CREATE INDEX "secrets_rotation_idx" ON "secrets" ("rotation_id", "project_id") WHERE "rotation_id" IS NOT NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX "secrets_rotation_idx"');
    await q.query('CREATE INDEX "secrets_rotation_idx" ON "secrets" ("rotation_id") WHERE "rotation_id" IS NOT NULL');
  }
}
