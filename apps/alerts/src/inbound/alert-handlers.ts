import { randomUUID } from 'node:crypto';
import { EventHandlers } from '@rotor/messaging';
import { Clock } from '@rotor/util';
import { AlertSource, KnownRotation, alertFor } from '@rotor/webhooks';
import { EntityManager } from 'typeorm';
import { DeliveryRepository } from '../delivery/delivery.repository';
import { WebhookRepository } from '../webhooks/webhook.repository';

/**
 * What alerts does with each event, in the consumer's transaction next to the inbox claim:
 * remember each rotation's project and name, and turn outcomes into one pending delivery per
 * subscribed webhook. Nothing is sent here (the delivery loop does that), so a slow receiver
 * never holds up the consumer.
 */
export function alertHandlers(clock: Clock): EventHandlers {
  return {
    RotationCreated: async (e, tx) => {
      await tx.query(
        `INSERT INTO known_rotations (rotation_id, project_id, name) VALUES ($1, $2, $3)
         ON CONFLICT (rotation_id) DO UPDATE SET project_id = EXCLUDED.project_id, name = EXCLUDED.name`,
        [e.payload.rotationId, e.payload.projectId, e.payload.name],
      );
    },
    RotationUpdated: async (e, tx) => {
      await tx.query('UPDATE known_rotations SET name = $2 WHERE rotation_id = $1', [e.payload.rotationId, e.payload.name]);
    },
    RotationCompleted: (e, tx) => raise(tx, e, clock),
    RotationAttemptFailed: (e, tx) => raise(tx, e, clock),
    RotationGaveUp: (e, tx) => raise(tx, e, clock),
    SecretsUpdated: (e, tx) => raise(tx, e, clock),
  };
}

async function raise(tx: EntityManager, source: AlertSource, clock: Clock): Promise<void> {
  const rotationId = 'rotationId' in source.payload ? source.payload.rotationId : null;
  const alert = alertFor(source, rotationId === null ? null : await known(tx, rotationId));
  if (alert === null) return;
  const now = clock.now();
  for (const webhook of await WebhookRepository.subscribed(tx, alert.projectId, alert.event)) {
    const id = randomUUID();
    await DeliveryRepository.enqueue(tx, { id, webhookId: webhook.id, sourceEventId: source.eventId, event: alert.event, body: JSON.stringify({ id, ...alert }), now });
  }
}

async function known(tx: EntityManager, rotationId: string): Promise<KnownRotation | null> {
  const [row]: Array<{ project_id: string; name: string }> = await tx.query('SELECT project_id, name FROM known_rotations WHERE rotation_id = $1', [rotationId]);
  return row ? { projectId: row.project_id, name: row.name } : null;
}
