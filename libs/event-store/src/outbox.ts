import { AnyEnvelope, topicOf } from '@rotor/contracts';
import { EntityManager } from 'typeorm';
import { OUTBOX_CHANNEL } from './schema/names';
import { assertValidEnvelopes } from './validate';

/**
 * Events to publish, written in the caller's transaction so they leave if and only if the
 * change that produced them commits. The relay (@rotor/messaging) publishes them in id order
 * with key = aggregate id, and is woken by the NOTIFY, which Postgres delivers on commit.
 * Two transactions that write events of one aggregate must conflict on some row (a version,
 * a lock) before they enqueue, as they do anyway to change that aggregate safely; then the
 * second one's ids come after the first one's, and the relay keeps their order.
 */
export class Outbox {
  static async enqueue(tx: EntityManager, events: readonly AnyEnvelope[]): Promise<void> {
    if (events.length === 0) return;
    assertValidEnvelopes(events);
    const params: unknown[] = [];
    const rows = events.map((event) => {
      params.push(topicOf(event.type), event.aggregateId, JSON.stringify(event));
      const n = params.length;
      return `($${n - 2}, $${n - 1}, $${n}::jsonb)`;
    });
    await tx.query(`INSERT INTO outbox (topic, key, envelope) VALUES ${rows.join(', ')}`, params);
    await tx.query('SELECT pg_notify($1, $2)', [OUTBOX_CHANNEL, String(events.length)]);
  }
}
