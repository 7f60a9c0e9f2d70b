import { Envelope, createEnvelope } from '@rotor/contracts';

/**
 * The Infisical-compatible API's documented sample request for
 * `POST /api/v2/secret-rotations/redis-credentials`, with its times made whole (its 11.5 and
 * 29.5 are refused). Tests, the e2e suite and the bench start from it and override what they need.
 */
export function sampleRotationRequest(projectId: string, connectionId: string) {
  return {
    name: 'my-redis-rotation',
    projectId,
    description: 'my database credentials rotation',
    connectionId,
    environment: 'dev',
    secretPath: '/',
    isAutoRotationEnabled: true,
    rotationInterval: 2,
    rotateAtUtc: { hours: 11, minutes: 29 },
    parameters: {
      passwordRequirements: { length: 64, required: { digits: 1, lowercase: 1, uppercase: 1, symbols: 1 }, allowedSymbols: '@!+' },
      permissionScope: '~* +@all',
    },
    secretsMapping: { username: 'REDIS_USERNAME', password: 'REDIS_PASSWORD' },
  };
}

/**
 * A small valid event for tests of the event path (stores, outbox, consumers) and the bench's
 * hop floor: a RotationDue whose `attempt` can carry the event's order within its stream.
 */
export function sampleRotationDue(rotationId: string, attempt = 1): Envelope<'RotationDue'> {
  return createEnvelope('RotationDue', rotationId, {
    rotationId,
    dueAt: '2026-03-01T11:29:00.000Z',
    reason: 'scheduled',
    attempt,
    emittedAt: '2026-03-01T11:29:00.010Z',
  });
}
