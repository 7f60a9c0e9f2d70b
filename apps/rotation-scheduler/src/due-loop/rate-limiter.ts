/**
 * A token bucket: at most `perSecond` firings per second on average, with bursts of at most
 * one second's worth. Real (monotonic) time, not the injected Clock: it protects Redis from
 * a backlog in wall-clock seconds, while the Clock decides what is due.
 */
export class RateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly monotonicMs: () => number = () => performance.now(),
  ) {
    if (!(perSecond > 0)) throw new Error(`rate limit must be above 0 per second, got ${perSecond}`);
    this.tokens = perSecond;
    this.last = monotonicMs();
  }

  /** Whole firings allowed right now. */
  available(): number {
    this.refill();
    return Math.floor(this.tokens);
  }

  take(n: number): void {
    this.refill();
    this.tokens -= n;
  }

  /** Milliseconds until `n` firings are allowed (0 if they are now). */
  msUntil(n: number): number {
    this.refill();
    return this.tokens >= n ? 0 : Math.ceil(((n - this.tokens) / this.perSecond) * 1000);
  }

  /**
   * A sensible number to wait for: a tenth of a second's worth, so a backlog goes out in
   * small steady transactions rather than one burst per second or one row at a time.
   */
  chunk(max: number): number {
    return Math.max(1, Math.min(max, Math.ceil(this.perSecond / 10)));
  }

  private refill(): void {
    const now = this.monotonicMs();
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
  }
}
