import { AnyEnvelope, topicOf } from '@rotor/contracts';
import { DataSource, EntityManager } from 'typeorm';
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
    const json = assertValidEnvelopes(events);
    // The rows and the NOTIFY in one round trip (a data-modifying WITH always runs in full).
    const params: unknown[] = [];
    const insert = outboxInsert(events, params, undefined, json);
    await tx.query(`WITH queued AS (${insert}) SELECT ${outboxNotify(params)}`, params);
  }

  /**
   * Deletes up to `limit` rows published more than `olderThanMs` ago, oldest first, and says
   * how many it deleted. Unpublished rows are never touched, however old. Published rows are
   * only kept for inspection: the relay never reads them again.
   */
  static async prunePublished(db: Queryable, olderThanMs: number, limit = PRUNE_BATCH): Promise<number> {
    const [row]: { n: number }[] = await db.query(
      `WITH gone AS (
         DELETE FROM outbox WHERE id IN (
           SELECT id FROM outbox
            WHERE published_at IS NOT NULL AND published_at < now() - make_interval(secs => $1::double precision / 1000)
            ORDER BY id LIMIT $2)
         RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [olderThanMs, limit],
    );
    return row.n;
  }
}

/** Rows deleted per prune statement: short transactions, however much is due. */
export const PRUNE_BATCH = 5_000;

/** What prune functions run on: a DataSource, or an EntityManager (a transaction). */
export type Queryable = DataSource | EntityManager;

/**
 * The `pg_notify(…)` that wakes the relay, its channel appended to `params`: every statement
 * that writes outbox rows runs it (Postgres delivers it on commit).
 */
export function outboxNotify(params: unknown[]): string {
  params.push(OUTBOX_CHANNEL);
  return `pg_notify($${params.length}, '')`;
}

/**
 * `INSERT INTO outbox … VALUES …` for `events`, in order (ids follow that order), its
 * parameters appended to `params`; for statements that write outbox rows with other rows.
 * `onlyIf`: an SQL condition; when given, the rows are written only where it holds.
 * `json`: the events already serialized, in the same order (what assertValidEnvelopes returns).
 */
export function outboxInsert(events: readonly AnyEnvelope[], params: unknown[], onlyIf?: string, json?: readonly string[]): string {
  const rows = events.map((event, i) => {
    params.push(topicOf(event.type), event.aggregateId, json?.[i] ?? JSON.stringify(event));
    const n = params.length;
    return onlyIf ? `($${n - 2}::text, $${n - 1}::text, $${n}::jsonb)` : `($${n - 2}, $${n - 1}, $${n}::jsonb)`;
  });
  return onlyIf
    ? `INSERT INTO outbox (topic, key, envelope) SELECT v.topic, v.key, v.envelope FROM (VALUES ${rows.join(', ')}) AS v(topic, key, envelope) WHERE ${onlyIf}`
    : `INSERT INTO outbox (topic, key, envelope) VALUES ${rows.join(', ')}`;
}
