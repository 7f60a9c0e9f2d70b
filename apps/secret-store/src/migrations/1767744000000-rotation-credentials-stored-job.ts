import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which job wrote a rotation's active slot, and the versions it gave the mapped secrets: what
 * its RotationSecretsStored said. A timed-out job found stored says it again (Kafka can lose an
 * acknowledged message when a broker dies), so rotation-config still completes the job. Rows
 * written before have none of the three; a job never writes some of them.
 */
export class RotationCredentialsStoredJob1767744000000 implements MigrationInterface {
  readonly name = 'RotationCredentialsStoredJob1767744000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE "rotation_credentials"
        ADD COLUMN "job_id" text,
        ADD COLUMN "username_version" integer,
        ADD COLUMN "password_version" integer,
        ADD CONSTRAINT "rotation_credentials_stored_job_ck" CHECK (
          ("job_id" IS NULL) = ("username_version" IS NULL) AND ("job_id" IS NULL) = ("password_version" IS NULL))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE "rotation_credentials"
        DROP CONSTRAINT "rotation_credentials_stored_job_ck",
        DROP COLUMN "password_version",
        DROP COLUMN "username_version",
        DROP COLUMN "job_id"`);
  }
}
