import { EntitySchema } from 'typeorm';
import {
  ES_EVENTS_TABLE, EVENT_ID_UNIQUE, INBOX_PROCESSED_INDEX, INBOX_TABLE, OUTBOX_TABLE, OUTBOX_UNPUBLISHED_INDEX, STREAM_VERSION_UNIQUE,
} from './names';

/**
 * Entity schemas mirror the migration exactly (a test compares them), so an app may use
 * repositories on these tables; the schema itself only ever changes through migrations.
 */
export interface EventRow {
  position: string;
  streamId: string;
  version: number;
  eventId: string;
  type: string;
  schemaVersion: number;
  aggregateId: string;
  occurredAt: Date;
  correlationId: string;
  causationId: string | null;
  payload: unknown;
}

export interface OutboxRow {
  id: string;
  topic: string;
  key: string;
  envelope: unknown;
  createdAt: Date;
  publishedAt: Date | null;
}

export interface InboxRow {
  consumer: string;
  eventId: string;
  processedAt: Date;
}

export const EventEntity = new EntitySchema<EventRow>({
  name: 'RotorStoredEvent',
  tableName: ES_EVENTS_TABLE,
  columns: {
    position: { type: 'bigint', primary: true, generated: 'increment', primaryKeyConstraintName: 'es_events_pkey' },
    streamId: { name: 'stream_id', type: 'text' },
    version: { type: 'integer' },
    eventId: { name: 'event_id', type: 'uuid' },
    type: { type: 'text' },
    schemaVersion: { name: 'schema_version', type: 'integer' },
    aggregateId: { name: 'aggregate_id', type: 'text' },
    occurredAt: { name: 'occurred_at', type: 'timestamptz' },
    correlationId: { name: 'correlation_id', type: 'text' },
    causationId: { name: 'causation_id', type: 'text', nullable: true },
    payload: { type: 'jsonb' },
  },
  uniques: [
    { name: STREAM_VERSION_UNIQUE, columns: ['streamId', 'version'] },
    { name: EVENT_ID_UNIQUE, columns: ['eventId'] },
  ],
});

export const OutboxEntity = new EntitySchema<OutboxRow>({
  name: 'RotorOutboxMessage',
  tableName: OUTBOX_TABLE,
  columns: {
    id: { type: 'bigint', primary: true, generated: 'increment', primaryKeyConstraintName: 'outbox_pkey' },
    topic: { type: 'text' },
    key: { type: 'text' },
    envelope: { type: 'jsonb' },
    createdAt: { name: 'created_at', type: 'timestamptz', default: () => 'now()' },
    publishedAt: { name: 'published_at', type: 'timestamptz', nullable: true },
  },
  indices: [{ name: OUTBOX_UNPUBLISHED_INDEX, columns: ['id'], where: '"published_at" IS NULL' }],
});

export const InboxEntity = new EntitySchema<InboxRow>({
  name: 'RotorInboxEntry',
  tableName: INBOX_TABLE,
  columns: {
    consumer: { type: 'text', primary: true, primaryKeyConstraintName: 'inbox_pkey' },
    eventId: { name: 'event_id', type: 'uuid', primary: true, primaryKeyConstraintName: 'inbox_pkey' },
    processedAt: { name: 'processed_at', type: 'timestamptz', default: () => 'now()' },
  },
  indices: [{ name: INBOX_PROCESSED_INDEX, columns: ['consumer', 'processedAt'] }],
});
