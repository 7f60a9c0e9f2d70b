import { AnyEnvelope, EnvelopeOptions, RedisConnectionRef, createEnvelope } from '@rotor/contracts';
import {
  DEFAULT_PASSWORD_REQUIREMENTS, DEFAULT_PERMISSION_SCOPE, RotationEvent, RotationParameters, RotationState,
} from '@rotor/rotation-domain';

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

const DEFAULT_PARAMETERS: RotationParameters = {
  passwordRequirements: DEFAULT_PASSWORD_REQUIREMENTS,
  permissionScope: DEFAULT_PERMISSION_SCOPE,
};

/**
 * A stored envelope back into the aggregate's event. `state` is the aggregate before the
 * event: settings an older event did not carry are taken from it (they did not change).
 */
export function fromEnvelope(envelope: AnyEnvelope, state: RotationState): RotationEvent | null {
  switch (envelope.type) {
    case 'RotationCreated': {
      const p = envelope.payload;
      return {
        type: 'RotationCreated',
        data: { ...p, description: p.description ?? null, parameters: p.parameters ?? DEFAULT_PARAMETERS },
      };
    }
    case 'RotationUpdated': {
      const p = envelope.payload;
      const before = state.settings;
      return {
        type: 'RotationUpdated',
        data: {
          ...p,
          changedFields: p.changedFields as (keyof NonNullable<RotationState['settings']>)[],
          name: p.name ?? before?.name ?? '',
          description: p.description !== undefined ? p.description : (before?.description ?? null),
          parameters: p.parameters ?? before?.parameters ?? DEFAULT_PARAMETERS,
          secretsMapping: p.secretsMapping ?? before?.secretsMapping ?? { username: '', password: '' },
        },
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
