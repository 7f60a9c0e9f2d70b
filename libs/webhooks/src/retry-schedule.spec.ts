import { DEFAULT_DELIVERY_RETRY_POLICY, nextDeliveryDelayMs } from './retry-schedule';

describe('the delivery retry schedule', () => {
  it('doubles the wait after each failed attempt, from the base delay', () => {
    const policy = { baseDelayMs: 1_000, maxDelayMs: 60_000, maxAttempts: 10 };
    expect([1, 2, 3, 4, 5].map((n) => nextDeliveryDelayMs(n, policy))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
  });

  it('never waits longer than the cap', () => {
    const policy = { baseDelayMs: 1_000, maxDelayMs: 5_000, maxAttempts: 2_000 };
    expect(nextDeliveryDelayMs(4, policy)).toBe(5_000);
    expect(nextDeliveryDelayMs(1_999, policy)).toBe(5_000);
  });

  it('gives up after the last attempt', () => {
    expect(nextDeliveryDelayMs(DEFAULT_DELIVERY_RETRY_POLICY.maxAttempts - 1)).toBe(2_560_000);
    expect(nextDeliveryDelayMs(DEFAULT_DELIVERY_RETRY_POLICY.maxAttempts)).toBeNull();
  });

  it('by default waits 10 s, then 20 s, 40 s … and gives up after about an hour and a half', () => {
    const waits = Array.from({ length: 9 }, (_, i) => nextDeliveryDelayMs(i + 1) as number);
    expect(waits.slice(0, 3)).toEqual([10_000, 20_000, 40_000]);
    const total = waits.reduce((a, b) => a + b, 0);
    expect(total).toBe(5_110_000);
  });
});
