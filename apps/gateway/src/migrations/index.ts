import { EVENT_STORE_MIGRATIONS } from '@rotor/event-store';
import { GatewaySchema1767225600000 } from './1767225600000-gateway-schema';
import { AuditLog1767225600100 } from './1767225600100-audit-log';

/**
 * In order; the schema only ever changes through these (never `synchronize`). The event
 * store's migrations bring the outbox the audit records are published through.
 */
export const MIGRATIONS = [GatewaySchema1767225600000, ...EVENT_STORE_MIGRATIONS, AuditLog1767225600100];
