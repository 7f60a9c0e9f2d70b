import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * webhooks (per project; the signing secret sealed), known_rotations (project and name of each
 * rotation, from its events), webhook_deliveries (one row per alert and webhook, written in the
 * consumer's transaction with the inbox claim, so an accepted event is never lost) and
 * delivery_attempts (each try: status, duration, error).
 */
export class AlertsInit1767571200000 implements MigrationInterface {
  readonly name = 'AlertsInit1767571200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "webhooks" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "project_id" text NOT NULL,
        "url" text NOT NULL,
        "description" text,
        "events" text[] NOT NULL,
        "enabled" boolean NOT NULL,
        "secret_sealed" text NOT NULL,
        "created_at" timestamptz NOT NULL,
        "updated_at" timestamptz NOT NULL,
        CONSTRAINT "webhooks_pkey" PRIMARY KEY ("id")
      )`);
    await q.query(`CREATE INDEX "webhooks_project_idx" ON "webhooks" ("project_id")`);
    await q.query(`
      CREATE TABLE "known_rotations" (
        "rotation_id" text NOT NULL,
        "project_id" text NOT NULL,
        "name" text NOT NULL,
        CONSTRAINT "known_rotations_pkey" PRIMARY KEY ("rotation_id")
      )`);
    await q.query(`
      CREATE TABLE "webhook_deliveries" (
        "id" uuid NOT NULL,
        "webhook_id" uuid NOT NULL,
        "source_event_id" text NOT NULL,
        "event" text NOT NULL,
        "body" text NOT NULL,
        "status" text NOT NULL,
        "attempts" integer NOT NULL DEFAULT 0,
        "next_attempt_at" timestamptz,
        "created_at" timestamptz NOT NULL,
        "delivered_at" timestamptz,
        "last_status_code" integer,
        "last_error" text,
        CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "webhook_deliveries_webhook_fk" FOREIGN KEY ("webhook_id") REFERENCES "webhooks" ("id") ON DELETE CASCADE,
        CONSTRAINT "webhook_deliveries_once_uq" UNIQUE ("webhook_id", "source_event_id"),
        CONSTRAINT "webhook_deliveries_status_ck" CHECK ("status" IN ('pending', 'delivered', 'failed'))
      )`);
    await q.query(`CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries" ("next_attempt_at") WHERE "status" = 'pending'`);
    await q.query(`CREATE INDEX "webhook_deliveries_webhook_idx" ON "webhook_deliveries" ("webhook_id", "created_at" DESC)`);
    await q.query(`
      CREATE TABLE "delivery_attempts" (
        "id" bigserial NOT NULL,
        "delivery_id" uuid NOT NULL,
        "attempt" integer NOT NULL,
        "attempted_at" timestamptz NOT NULL,
        "status_code" integer,
        "duration_ms" integer NOT NULL,
        "error" text,
        CONSTRAINT "delivery_attempts_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "delivery_attempts_delivery_fk" FOREIGN KEY ("delivery_id") REFERENCES "webhook_deliveries" ("id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX "delivery_attempts_delivery_idx" ON "delivery_attempts" ("delivery_id", "attempt")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "delivery_attempts"`);
    await q.query(`DROP TABLE "webhook_deliveries"`);
    await q.query(`DROP TABLE "known_rotations"`);
    await q.query(`DROP TABLE "webhooks"`);
  }
}
