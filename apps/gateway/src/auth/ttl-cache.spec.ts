import { TtlCache } from './ttl-cache';

describe('TtlCache', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => (now = 1_000));

  it('serves a loaded value until its time is up, then loads again', async () => {
    const cache = new TtlCache<string>(2_000, 10, clock);
    const load = jest.fn().mockResolvedValueOnce('v1').mockResolvedValueOnce('v2');
    expect(await cache.getOrLoad('k', load)).toBe('v1');
    now += 1_999;
    expect(await cache.getOrLoad('k', load)).toBe('v1');
    now += 1;
    expect(await cache.getOrLoad('k', load)).toBe('v2');
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('never keeps a miss', async () => {
    const cache = new TtlCache<string>(2_000, 10, clock);
    const load = jest.fn().mockResolvedValueOnce(null).mockResolvedValueOnce('issued');
    expect(await cache.getOrLoad('k', load)).toBeNull();
    expect(await cache.getOrLoad('k', load)).toBe('issued');
  });

  it('forgets everything on invalidate, including a load that was in flight', async () => {
    const cache = new TtlCache<string>(2_000, 10, clock);
    await cache.getOrLoad('a', async () => 'old a');
    let finish!: (v: string) => void;
    const inFlight = cache.getOrLoad('b', () => new Promise<string>((resolve) => (finish = resolve)));
    cache.invalidate();
    finish('stale b');
    expect(await inFlight).toBe('stale b'); // its caller still gets what it loaded
    expect(await cache.getOrLoad('a', async () => 'new a')).toBe('new a');
    expect(await cache.getOrLoad('b', async () => 'new b')).toBe('new b');
  });

  it('loads every time with a ttl of 0, and stays within its bound', async () => {
    const off = new TtlCache<number>(0, 10, clock);
    let n = 0;
    expect(await off.getOrLoad('k', async () => ++n)).toBe(1);
    expect(await off.getOrLoad('k', async () => ++n)).toBe(2);

    const small = new TtlCache<number>(60_000, 2, clock);
    await small.getOrLoad('a', async () => 1);
    await small.getOrLoad('b', async () => 2);
    await small.getOrLoad('c', async () => 3); // full: starts over with c
    expect(await small.getOrLoad('a', async () => 10)).toBe(10);
    expect(await small.getOrLoad('c', async () => 30)).toBe(3);
  });
});
