import { RateLimiter } from './rate-limiter';

describe('RateLimiter', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 0;
  });

  it('allows one second of firings at once, then refills at the rate', () => {
    const limiter = new RateLimiter(50, clock);
    expect(limiter.available()).toBe(50);
    limiter.take(50);
    expect(limiter.available()).toBe(0);
    now += 100;
    expect(limiter.available()).toBe(5);
    now += 10_000;
    expect(limiter.available()).toBe(50);
  });

  it('says how long to wait for the next chunk', () => {
    const limiter = new RateLimiter(50, clock);
    limiter.take(50);
    expect(limiter.chunk(100)).toBe(5);
    expect(limiter.msUntil(5)).toBe(100);
    now += 40;
    expect(limiter.msUntil(5)).toBe(60);
  });

  it('never lets a backlog go faster than the rate over a longer run', () => {
    const limiter = new RateLimiter(50, clock);
    let fired = 0;
    while (now <= 10_000) {
      const n = Math.min(7, limiter.available());
      limiter.take(n);
      fired += n;
      now += 13;
    }
    // 50 in the first burst, then 50 per second for 10 s.
    expect(fired).toBeLessThanOrEqual(550);
    expect(fired).toBeGreaterThanOrEqual(540);
  });

  it('keeps chunks between 1 and the batch size', () => {
    expect(new RateLimiter(1, clock).chunk(100)).toBe(1);
    expect(new RateLimiter(5000, clock).chunk(100)).toBe(100);
  });

  it('refuses a rate of zero', () => {
    expect(() => new RateLimiter(0, clock)).toThrow('rate limit must be above 0');
  });
});
