import { EntityManager } from 'typeorm';

/** Idempotent consumers: an event is applied once per consumer, however often it is delivered. */
export class Inbox {
  /**
   * Records that `consumer` handles `eventId` in this transaction. Returns false when it was
   * handled before; if the transaction rolls back, the claim goes with it.
   */
  static async claim(tx: EntityManager, consumer: string, eventId: string): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      'INSERT INTO inbox (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id',
      [consumer, eventId],
    );
    return rows.length === 1;
  }

  /**
   * claim() for many events in one statement: the ids claimed now (each at most once, however
   * often it is listed); the others were handled before. Rolls back with the transaction.
   */
  static async claimAll(tx: EntityManager, consumer: string, eventIds: readonly string[]): Promise<Set<string>> {
    if (eventIds.length === 0) return new Set();
    const rows: { event_id: string }[] = await tx.query(
      'INSERT INTO inbox (consumer, event_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING RETURNING event_id',
      [consumer, eventIds],
    );
    return new Set(rows.map((r) => r.event_id));
  }
}
