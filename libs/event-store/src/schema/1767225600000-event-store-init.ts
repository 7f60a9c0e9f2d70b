import { MigrationInterface, QueryRunner } from 'typeorm';

/** es_events (global position, one row per event), outbox (relay to Kafka), inbox (dedupe). */
export class EventStoreInit1767225600000 implements MigrationInterface {
  readonly name = 'EventStoreInit1767225600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "es_events" (
        "position" bigserial NOT NULL,
        "stream_id" text NOT NULL,
        "version" integer NOT NULL,
        "event_id" uuid NOT NULL,
        "type" text NOT NULL,
        "schema_version" integer NOT NULL,
        "aggregate_id" text NOT NULL,
        "occurred_at" timestamptz NOT NULL,
        "correlation_id" text NOT NULL,
        "causation_id" text,
        "payload" jsonb NOT NULL,
        CONSTRAINT "es_events_pkey" PRIMARY KEY ("position"),
        CONSTRAINT "es_events_stream_version_uq" UNIQUE ("stream_id", "version"),
        CONSTRAINT "es_events_event_id_uq" UNIQUE ("event_id")
      )`);
    await q.query(`
      CREATE TABLE "outbox" (
        "id" bigserial NOT NULL,
        "topic" text NOT NULL,
        "key" text NOT NULL,
        "envelope" jsonb NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "published_at" timestamptz,
        CONSTRAINT "outbox_pkey" PRIMARY KEY ("id")
      )`);
    // The relay only ever scans unpublished rows; keep that scan small however large the table grows.
    await q.query(`CREATE INDEX "outbox_unpublished_idx" ON "outbox" ("id") WHERE "published_at" IS NULL`);
    await q.query(`
      CREATE TABLE "inbox" (
        "consumer" text NOT NULL,
        "event_id" uuid NOT NULL,
        "processed_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "inbox_pkey" PRIMARY KEY ("consumer", "event_id")
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "inbox"`);
    await q.query(`DROP TABLE "outbox"`);
    await q.query(`DROP TABLE "es_events"`);
  }
}
