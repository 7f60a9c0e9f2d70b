import { AnyEnvelope } from './envelope';

/**
 * The rotation an event is about: its payload's `rotationId`, which every event about one
 * rotation carries; null for events about none (AuditRecorded, a connection's events).
 */
export function rotationOf(e: AnyEnvelope): string | null {
  const payload: object = e.payload;
  return 'rotationId' in payload && typeof payload.rotationId === 'string' ? payload.rotationId : null;
}
