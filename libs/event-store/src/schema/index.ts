import { EventEntity, InboxEntity, OutboxEntity } from './entities';
import { EventStoreInit1767225600000 } from './1767225600000-event-store-init';
import { InboxRetention1767225600001 } from './1767225600001-inbox-retention';

/** Include in every app's DataSource (createDataSource does it for you). */
export const EVENT_STORE_ENTITIES = [EventEntity, OutboxEntity, InboxEntity];
export const EVENT_STORE_MIGRATIONS = [EventStoreInit1767225600000, InboxRetention1767225600001];

export { EventEntity, InboxEntity, OutboxEntity } from './entities';
export type { EventRow, InboxRow, OutboxRow } from './entities';
export { OUTBOX_CHANNEL } from './names';
