import { AnyEnvelope, rotationOf } from '@rotor/contracts';
import { randomUUID } from 'node:crypto';
import { EventHandlers } from '@rotor/messaging';
import { Clock } from '@rotor/util';
import { ALERT_EVENTS, AlertSource, KnownRotation, alertFor } from '@rotor/webhooks';
import { EntityManager } from 'typeorm';
import { DeliveryRepository } from '../delivery/delivery.repository';

/** What alerts knows of an event's rotation, and the webhooks its alert goes to. */
interface Lookup {
  rotationId: string | null;
  known: KnownRotation | null;
  webhookIds: string[];
}

/**
 * What alerts does with each event, in the consumer's transaction next to the inbox claim:
 * remember each rotation's project and name, and turn outcomes into one pending delivery per
 * subscribed webhook. Nothing is sent here (the delivery loop does that), so a slow receiver
 * never holds up the consumer. `prepare` looks up every alert of a transaction in one
 * statement; an event whose lookup was not prepared (or went stale) looks up its own.
 */
export function alertHandlers(clock: Clock): { handlers: EventHandlers; prepare: (events: AnyEnvelope[], tx: EntityManager) => Promise<void> } {
  const prepared = new WeakMap<EntityManager, Map<string, Lookup>>();
  /** A rotation's name or project changed in `tx`: lookups about it read before are stale. */
  const forget = (tx: EntityManager, rotationId: string) => {
    const lookups = prepared.get(tx);
    for (const [eventId, lookup] of lookups ?? []) if (lookup.rotationId === rotationId) lookups?.delete(eventId);
  };
  const raise = async (tx: EntityManager, source: AlertSource): Promise<void> => {
    const ahead = prepared.get(tx)?.get(source.eventId);
    prepared.get(tx)?.delete(source.eventId);
    const { known, webhookIds } = ahead ?? (await lookUp(tx, [source])).get(source.eventId) ?? { known: null, webhookIds: [] };
    const alert = alertFor(source, known);
    if (alert === null) return;
    const now = clock.now();
    for (const webhookId of webhookIds) {
      const id = randomUUID();
      await DeliveryRepository.enqueue(tx, { id, webhookId, sourceEventId: source.eventId, event: alert.event, body: JSON.stringify({ id, ...alert }), now });
    }
  };
  return {
    handlers: {
      RotationCreated: async (e, tx) => {
        await tx.query(
          `INSERT INTO known_rotations (rotation_id, project_id, name) VALUES ($1, $2, $3)
           ON CONFLICT (rotation_id) DO UPDATE SET project_id = EXCLUDED.project_id, name = EXCLUDED.name`,
          [e.payload.rotationId, e.payload.projectId, e.payload.name],
        );
        forget(tx, e.payload.rotationId);
      },
      RotationUpdated: async (e, tx) => {
        await tx.query('UPDATE known_rotations SET name = $2 WHERE rotation_id = $1', [e.payload.rotationId, e.payload.name]);
        forget(tx, e.payload.rotationId);
      },
      RotationCompleted: (e, tx) => raise(tx, e),
      RotationAttemptFailed: (e, tx) => raise(tx, e),
      RotationGaveUp: (e, tx) => raise(tx, e),
      SecretsUpdated: (e, tx) => raise(tx, e),
    },
    prepare: async (events, tx) => {
      const sources = events.filter(isAlertSource);
      if (sources.length > 0) prepared.set(tx, await lookUp(tx, sources));
    },
  };
}

function isAlertSource(e: AnyEnvelope): e is AlertSource {
  return Object.prototype.hasOwnProperty.call(ALERT_EVENTS, e.type);
}

/**
 * In one statement, for each event: what alerts knows of its rotation, and the enabled
 * webhooks of the alert's project that subscribe to its event (the project the event names,
 * else the known rotation's, as in alertFor). Keyed by event id.
 */
async function lookUp(tx: EntityManager, sources: AlertSource[]): Promise<Map<string, Lookup>> {
  const rows: Array<{ event_id: string; project_id: string | null; name: string | null; webhook_ids: string[] }> = await tx.query(
    `SELECT q.event_id, k.project_id, k.name,
            ARRAY(SELECT w.id::text FROM webhooks w
                   WHERE w.project_id = COALESCE(q.project_id, k.project_id) AND w.enabled AND q.alert_event = ANY(w.events)
                   ORDER BY w.id) AS webhook_ids
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS q(event_id, rotation_id, project_id, alert_event)
       LEFT JOIN known_rotations k ON k.rotation_id = q.rotation_id`,
    [
      sources.map((s) => s.eventId),
      sources.map(rotationOf),
      sources.map((s) => ('projectId' in s.payload ? s.payload.projectId : null)),
      sources.map((s) => ALERT_EVENTS[s.type]),
    ],
  );
  const byEvent = new Map(rows.map((row) => [row.event_id, row]));
  return new Map(sources.map((s) => {
    const row = byEvent.get(s.eventId);
    const known = row?.project_id != null && row.name != null ? { projectId: row.project_id, name: row.name } : null;
    return [s.eventId, { rotationId: rotationOf(s), known, webhookIds: row?.webhook_ids ?? [] }];
  }));
}
