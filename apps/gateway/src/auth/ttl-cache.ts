/**
 * A small read-through cache for lookups every request makes (token → identity, project).
 * An entry lives `ttlMs` (0 = no caching); `invalidate()` drops everything, and a load that
 * was in flight while it ran is not stored, so a change made through this process is seen by
 * the next request. Misses (null) are not kept: a token issued a moment ago works at once.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  async getOrLoad(key: string, load: () => Promise<V | null>): Promise<V | null> {
    if (this.ttlMs <= 0) return load();
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > this.now()) return hit.value;
    const generation = this.generation;
    const value = await load();
    if (value === null || generation !== this.generation) return value;
    if (!hit && this.entries.size >= this.maxEntries) this.entries.clear(); // a bound, not an LRU
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
    return value;
  }

  invalidate(): void {
    this.generation++;
    this.entries.clear();
  }
}
