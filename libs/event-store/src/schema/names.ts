/** Table, constraint and channel names shared by the entities, the migration and the queries. */
export const ES_EVENTS_TABLE = 'es_events';
export const OUTBOX_TABLE = 'outbox';
export const INBOX_TABLE = 'inbox';

export const STREAM_VERSION_UNIQUE = 'es_events_stream_version_uq';
export const EVENT_ID_UNIQUE = 'es_events_event_id_uq';
export const OUTBOX_UNPUBLISHED_INDEX = 'outbox_unpublished_idx';

/** `pg_notify` channel the outbox relay LISTENs on; notified on commit of every outbox write. */
export const OUTBOX_CHANNEL = 'rotor_outbox';
export const INBOX_PROCESSED_INDEX = 'inbox_consumer_processed_idx';
