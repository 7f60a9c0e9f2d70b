import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * secrets (one row per key, its current version, the rotation managing it if any),
 * secret_versions (every value ever written, sealed), rotation_credentials (both slots of
 * a rotation, passwords sealed) and rotation_generations (the newest generation applied per
 * rotation, and a tombstone once the rotation is deleted, so late events cannot revive it).
 */
export class SecretStoreInit1767484800000 implements MigrationInterface {
  readonly name = 'SecretStoreInit1767484800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "secrets" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "project_id" text NOT NULL,
        "environment" text NOT NULL,
        "secret_path" text NOT NULL,
        "secret_key" text NOT NULL,
        "version" integer NOT NULL,
        "rotation_id" text,
        "created_at" timestamptz NOT NULL,
        "updated_at" timestamptz NOT NULL,
        CONSTRAINT "secrets_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "secrets_location_uq" UNIQUE ("project_id", "environment", "secret_path", "secret_key"),
        CONSTRAINT "secrets_version_ck" CHECK ("version" >= 1)
      )`);
    await q.query(`CREATE INDEX "secrets_rotation_idx" ON "secrets" ("rotation_id") WHERE "rotation_id" IS NOT NULL`);
    await q.query(`
      CREATE TABLE "secret_versions" (
        "secret_id" uuid NOT NULL,
        "version" integer NOT NULL,
        "value" text NOT NULL,
        "rotation_id" text,
        "job_id" text,
        "created_at" timestamptz NOT NULL,
        CONSTRAINT "secret_versions_pkey" PRIMARY KEY ("secret_id", "version"),
        CONSTRAINT "secret_versions_secret_fk" FOREIGN KEY ("secret_id") REFERENCES "secrets" ("id") ON DELETE CASCADE,
        CONSTRAINT "secret_versions_sealed_ck" CHECK ("value" LIKE 'enc:v1:%')
      )`);
    await q.query(`
      CREATE TABLE "rotation_credentials" (
        "rotation_id" text NOT NULL,
        "project_id" text NOT NULL,
        "username_0" text,
        "password_0" text,
        "username_1" text,
        "password_1" text,
        "active_index" smallint NOT NULL,
        "generation" integer NOT NULL,
        "updated_at" timestamptz NOT NULL,
        CONSTRAINT "rotation_credentials_pkey" PRIMARY KEY ("rotation_id"),
        CONSTRAINT "rotation_credentials_active_index_ck" CHECK ("active_index" IN (0, 1)),
        CONSTRAINT "rotation_credentials_sealed_ck" CHECK (
          ("password_0" IS NULL OR "password_0" LIKE 'enc:v1:%') AND ("password_1" IS NULL OR "password_1" LIKE 'enc:v1:%'))
      )`);
    await q.query(`
      CREATE TABLE "rotation_generations" (
        "rotation_id" text NOT NULL,
        "last_generation" integer NOT NULL DEFAULT 0,
        "deleted_at" timestamptz,
        CONSTRAINT "rotation_generations_pkey" PRIMARY KEY ("rotation_id")
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "rotation_generations"`);
    await q.query(`DROP TABLE "rotation_credentials"`);
    await q.query(`DROP TABLE "secret_versions"`);
    await q.query(`DROP TABLE "secrets"`);
  }
}
