import { AnyEnvelope, EnvelopeOptions, RedisConnectionRef, createEnvelope } from '@rotor/contracts';
import { RotationEvent, RotationSettings } from '@rotor/rotation-domain';

/**
 * The one bridge between the aggregate's events and the wire contract. The domain does not
 * know connections: RotationRequested and RevocationRequested get the connection (admin
 * password sealed) here; on the way back it is reduced to its id.
 */
export type ConnectionLookup = (connectionId: string) => Promise<RedisConnectionRef>;

export async function toEnvelopes(
  events: RotationEvent[],
  connectionOf: ConnectionLookup,
  options: Omit<EnvelopeOptions, 'eventId'> = {},
): Promise<AnyEnvelope[]> {
  const envelopes: AnyEnvelope[] = [];
  for (const event of events) envelopes.push(await toEnvelope(event, connectionOf, options));
  return envelopes;
}

async function toEnvelope(event: RotationEvent, connectionOf: ConnectionLookup, options: EnvelopeOptions): Promise<AnyEnvelope> {
  const id = event.data.rotationId;
  switch (event.type) {
    case 'RotationCreated':
    case 'RotationUpdated':
    case 'RotationDeleted':
    case 'RotationCompleted':
    case 'RotationAttemptFailed':
      return createEnvelope(event.type, id, event.data, options) as AnyEnvelope;
    case 'RotationRequested': {
      const { connectionId, ...rest } = event.data;
      return createEnvelope('RotationRequested', id, { ...rest, connection: await connectionOf(connectionId) }, options);
    }
    case 'RevocationRequested': {
      const { connectionId, ...rest } = event.data;
      return createEnvelope('RevocationRequested', id, { ...rest, connection: await connectionOf(connectionId) }, options);
    }
  }
}

/** A stored envelope back into the aggregate's event. */
export function fromEnvelope(envelope: AnyEnvelope): RotationEvent | null {
  switch (envelope.type) {
    case 'RotationCreated':
      return { type: 'RotationCreated', data: envelope.payload };
    case 'RotationUpdated': {
      const p = envelope.payload;
      return {
        type: 'RotationUpdated',
        data: { ...p, changedFields: p.changedFields as (keyof RotationSettings)[] },
      };
    }
    case 'RotationDeleted':
      return { type: 'RotationDeleted', data: envelope.payload };
    case 'RotationRequested': {
      const { connection, ...rest } = envelope.payload;
      return { type: 'RotationRequested', data: { ...rest, connectionId: connection.connectionId } };
    }
    case 'RotationCompleted':
      return { type: 'RotationCompleted', data: envelope.payload };
    case 'RotationAttemptFailed':
      return { type: 'RotationAttemptFailed', data: envelope.payload };
    case 'RevocationRequested': {
      const { connection, ...rest } = envelope.payload;
      return { type: 'RevocationRequested', data: { ...rest, connectionId: connection.connectionId } };
    }
    default:
      return null; // not an event of this aggregate
  }
}
