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
}
