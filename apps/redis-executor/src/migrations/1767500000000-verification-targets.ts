import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * verification_targets: per rotation, what continuous verification needs — the connection as
 * events carry it (admin password sealed), the credential of each slot (password sealed, as in
 * CredentialsRotated), which slot the secret store serves and which one it replaced — and when
 * to check next. The partial index holds only rows with a check ahead, in the order the loop
 * claims them.
 */
export class VerificationTargets1767500000000 implements MigrationInterface {
  readonly name = 'VerificationTargets1767500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "verification_targets" (
        "rotation_id" text NOT NULL,
        "project_id" text NOT NULL,
        "provider" text NOT NULL,
        "connection" jsonb NOT NULL,
        "credentials" jsonb NOT NULL DEFAULT '{}',
        "active_index" smallint,
        "active_generation" integer,
        "previous_index" smallint,
        "verify_at" timestamptz,
        "last_status" text,
        "drifted_since" timestamptz,
        "failed_checks" integer NOT NULL DEFAULT 0,
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "verification_targets_pkey" PRIMARY KEY ("rotation_id"),
        CONSTRAINT "verification_targets_slot_chk" CHECK ("active_index" IN (0, 1) AND ("previous_index" IS NULL OR "previous_index" <> "active_index")),
        CONSTRAINT "verification_targets_status_chk" CHECK ("last_status" IN ('healthy', 'drifted', 'unverifiable'))
      )`);
    await q.query(`CREATE INDEX "verification_targets_due_idx" ON "verification_targets" ("verify_at", "rotation_id") WHERE "verify_at" IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "verification_targets"`);
  }
}
