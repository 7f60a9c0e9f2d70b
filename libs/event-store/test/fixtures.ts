import { Envelope, createEnvelope } from '@rotor/contracts';

/** A valid event for stream tests; `attempt` doubles as a marker of the event's order. */
export function due(rotationId: string, attempt = 1): Envelope<'RotationDue'> {
  return createEnvelope('RotationDue', rotationId, {
    rotationId,
    dueAt: '2026-03-01T11:29:00.000Z',
    reason: 'scheduled',
    attempt,
    emittedAt: '2026-03-01T11:29:00.010Z',
  });
}
