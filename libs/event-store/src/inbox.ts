import { RotorError } from '@rotor/util';
import { escapeLiteral } from 'pg';
import { EntityManager } from 'typeorm';
import { PRUNE_BATCH, Queryable } from './outbox';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The claim of `eventIds` for `consumer`, returning the ids claimed now. Values written into the
 * text rather than sent as parameters: a statement without parameters goes out with its
 * transaction's START TRANSACTION, in one round trip (deferTransactionStart in
 * @rotor/service-runtime), and a consumer's transaction opens with this claim. The ids are
 * checked UUIDs; the consumer name is quoted.
 */
function claimText(consumer: string, eventIds: readonly string[]): string {
  for (const id of eventIds) if (!UUID.test(id)) throw new RotorError('EVENT_STORE.INVALID_EVENT_ID', `event id must be a UUID, got ${JSON.stringify(id)}`);
  return `INSERT INTO inbox (consumer, event_id) SELECT ${escapeLiteral(consumer)}, unnest('{${eventIds.join(',')}}'::uuid[]) ON CONFLICT DO NOTHING RETURNING event_id`;
}

/** Idempotent consumers: an event is applied once per consumer, however often it is delivered. */
export class Inbox {
  /**
   * Records that `consumer` handles `eventId` in this transaction. Returns false when it was
   * handled before; if the transaction rolls back, the claim goes with it.
   */
  static async claim(tx: EntityManager, consumer: string, eventId: string): Promise<boolean> {
    return (await Inbox.claimAll(tx, consumer, [eventId])).size === 1;
  }

  /**
   * claim() for many events in one statement: the ids claimed now (each at most once, however
   * often it is listed); the others were handled before. Rolls back with the transaction.
   */
  static async claimAll(tx: EntityManager, consumer: string, eventIds: readonly string[]): Promise<Set<string>> {
    if (eventIds.length === 0) return new Set();
    const rows: { event_id: string }[] = await tx.query(claimText(consumer, eventIds));
    return new Set(rows.map((r) => r.event_id));
  }

  /**
   * claimAll(), and a read sent in the same statement: `readAhead`, a SELECT whose values are
   * written into its text (no parameters, so it still goes out with START TRANSACTION), e.g.
   * the rows the events' handlers will read or lock. Its rows come back as JSON objects. The
   * claim is made first; the read runs whether the events are claimed now or were handled
   * before.
   */
  static async claimAllWith(
    tx: EntityManager, consumer: string, eventIds: readonly string[], readAhead: string,
  ): Promise<{ claimed: Set<string>; ahead: Record<string, unknown>[] }> {
    if (eventIds.length === 0) return { claimed: new Set(), ahead: [] };
    // UNION ALL runs its branches in order: the claim, then the read.
    const rows: { event_id: string | null; ahead: Record<string, unknown> | null }[] = await tx.query(
      `WITH claimed AS (${claimText(consumer, eventIds)})
       SELECT event_id, NULL::jsonb AS ahead FROM claimed
       UNION ALL
       SELECT NULL, to_jsonb(a) FROM (${readAhead}) AS a`,
    );
    const claimed = new Set<string>();
    const ahead: Record<string, unknown>[] = [];
    for (const r of rows) {
      if (r.event_id !== null) claimed.add(r.event_id);
      else if (r.ahead !== null) ahead.push(r.ahead);
    }
    return { claimed, ahead };
  }

  /**
   * Forgets up to `limit` of `consumer`'s claims older than `olderThanMs`, oldest first, and
   * says how many. Safe as long as no message that old can be delivered to that consumer
   * again: keep `olderThanMs` at least as long as the topics' retention in Kafka, so even a
   * group reset to the earliest offset finds every claim it could meet.
   */
  static async prune(db: Queryable, consumer: string, olderThanMs: number, limit = PRUNE_BATCH): Promise<number> {
    const [row]: { n: number }[] = await db.query(
      `WITH gone AS (
         DELETE FROM inbox WHERE consumer = $1 AND event_id IN (
           SELECT event_id FROM inbox
            WHERE consumer = $1 AND processed_at < now() - make_interval(secs => $2::double precision / 1000)
            ORDER BY processed_at LIMIT $3)
         RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [consumer, olderThanMs, limit],
    );
    return row.n;
  }
}
