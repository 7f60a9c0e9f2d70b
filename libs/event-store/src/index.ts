export { createDataSource, ensureDatabase, databaseName } from './data-source';
export type { CreateDataSourceOptions } from './data-source';
export { EventStore } from './event-store';
export type { AppendOptions, AppendResult, StoredEvent } from './event-store';
export { Outbox, PRUNE_BATCH, outboxInsert, outboxNotify } from './outbox';
export { assertValidEnvelopes } from './validate';
export type { Queryable } from './outbox';
export { Inbox } from './inbox';
export { VersionConflictError, DuplicateEventError, pgErrorOf, UNIQUE_VIOLATION } from './errors';
export {
  EVENT_STORE_ENTITIES, EVENT_STORE_MIGRATIONS, OUTBOX_CHANNEL, EventEntity, OutboxEntity, InboxEntity,
} from './schema';
export type { EventRow, InboxRow, OutboxRow } from './schema';
