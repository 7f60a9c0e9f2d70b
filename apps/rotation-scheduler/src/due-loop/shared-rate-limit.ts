import { EntityManager } from 'typeorm';

/**
 * ROTOR_SCHEDULER_MAX_PER_SECOND for the whole fleet, not per instance: one token bucket in a
 * Postgres row (scheduler_rate_limit), refilled from the database's clock and taken under that
 * row's lock inside the claim transaction. N instances together fire at most `perSecond` per
 * second on average, with bursts of one second's worth; their claims queue on the row lock,
 * which costs one short lock per claimed chunk. Every instance should be given the same rate.
 */
export class SharedRateLimit {
  constructor(private readonly perSecond: number) {
    if (!(perSecond > 0)) throw new Error(`rate limit must be above 0 per second, got ${perSecond}`);
  }

  /**
   * Refills the bucket and locks it until `tx` ends; answers the whole firings allowed now,
   * at most `want`. Call take() with what was used, in the same transaction.
   */
  async reserve(tx: EntityManager, want: number): Promise<{ allowed: number; tokens: number }> {
    // As a SELECT over the UPDATE, so the driver answers the rows (not [rows, count]).
    const rows: { tokens: number }[] = await tx.query(
      `WITH refilled AS (
         UPDATE scheduler_rate_limit
            SET tokens = LEAST($1::float8, tokens + EXTRACT(EPOCH FROM clock_timestamp() - refilled_at) * $1::float8),
                refilled_at = clock_timestamp()
          WHERE id = 1
          RETURNING tokens
       )
       SELECT tokens FROM refilled`,
      [this.perSecond],
    );
    if (rows.length === 0) throw new Error('scheduler_rate_limit has no row: run the scheduler migrations');
    const tokens = Number(rows[0].tokens);
    return { allowed: Math.max(0, Math.min(want, Math.floor(tokens))), tokens };
  }

  async take(tx: EntityManager, used: number): Promise<void> {
    if (used > 0) await tx.query('UPDATE scheduler_rate_limit SET tokens = tokens - $1 WHERE id = 1', [used]);
  }

  /** Milliseconds until the bucket that held `tokens` holds `n`. */
  msUntil(tokens: number, n: number): number {
    return tokens >= n ? 0 : Math.ceil(((n - tokens) / this.perSecond) * 1000);
  }

  /**
   * A sensible number to wait for: a tenth of a second's worth, so a backlog goes out in
   * small steady transactions rather than one burst per second or one row at a time.
   */
  chunk(max: number): number {
    return Math.max(1, Math.min(max, Math.ceil(this.perSecond / 10)));
  }
}
