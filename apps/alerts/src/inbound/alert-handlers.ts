import { randomUUID } from 'node:crypto';
import { EventHandlers } from '@rotor/messaging';
import { Clock } from '@rotor/util';
import { ALERT_EVENTS, AlertSource, KnownRotation, alertFor } from '@rotor/webhooks';
import { EntityManager } from 'typeorm';
import { DeliveryRepository } from '../delivery/delivery.repository';

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
  const { known, webhookIds } = await lookUp(tx, source);
  const alert = alertFor(source, known);
  if (alert === null) return;
  const now = clock.now();
  for (const webhookId of webhookIds) {
    const id = randomUUID();
    await DeliveryRepository.enqueue(tx, { id, webhookId, sourceEventId: source.eventId, event: alert.event, body: JSON.stringify({ id, ...alert }), now });
  }
}

/**
 * In one statement: what alerts knows of the event's rotation, and the enabled webhooks of the
 * alert's project that subscribe to its event (the project the event names, else the known
 * rotation's, as in alertFor).
 */
async function lookUp(tx: EntityManager, source: AlertSource): Promise<{ known: KnownRotation | null; webhookIds: string[] }> {
  const rotationId = 'rotationId' in source.payload ? source.payload.rotationId : null;
  const projectId = 'projectId' in source.payload ? source.payload.projectId : null;
  const [row]: Array<{ project_id: string | null; name: string | null; webhook_ids: string[] }> = await tx.query(
    `SELECT k.project_id, k.name,
            ARRAY(SELECT w.id::text FROM webhooks w
                   WHERE w.project_id = COALESCE($2::text, k.project_id) AND w.enabled AND $3::text = ANY(w.events)
                   ORDER BY w.id) AS webhook_ids
       FROM (VALUES (1)) AS one LEFT JOIN known_rotations k ON k.rotation_id = $1::text`,
    [rotationId, projectId, ALERT_EVENTS[source.type]],
  );
  const known = row?.project_id != null && row.name != null ? { projectId: row.project_id, name: row.name } : null;
  return { known, webhookIds: row?.webhook_ids ?? [] };
}
