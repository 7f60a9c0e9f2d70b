import fc from 'fast-check';
import { DEFAULT_RETRY_POLICY, RetryPolicy, backoffCeilingMs, planRetry } from './retry-policy';

const MIN = 60_000;
const HOUR = 60 * MIN;
const failedAt = new Date('2026-03-01T10:00:00Z');
const farAway = new Date('2026-03-31T10:00:00Z');

function failure(attempt: number, over: Partial<Parameters<typeof planRetry>[0]> = {}) {
  return { attempt, failedAt, retryable: true, nextRegularDueAt: farAway, ...over };
}

describe('backoffCeilingMs', () => {
  it('doubles from one minute and stops at one hour', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((a) => backoffCeilingMs(a) / MIN)).toEqual([1, 2, 4, 8, 16, 32, 60, 60]);
  });

  it('stays capped for absurd attempt numbers', () => {
    expect(backoffCeilingMs(5000)).toBe(HOUR);
  });

  it('rejects an attempt below 1 and a policy whose cap is below its base', () => {
    expect(() => backoffCeilingMs(0)).toThrow('attempt: must be a whole number from 1');
    const bad: RetryPolicy = { baseDelayMs: 10, maxDelayMs: 5, maxAttempts: 3 };
    expect(() => backoffCeilingMs(1, bad)).toThrow('maxDelayMs');
  });
});

describe('planRetry', () => {
  it('retries immediately with random 0 and at the ceiling with random just under 1 (full jitter)', () => {
    expect(planRetry(failure(3), DEFAULT_RETRY_POLICY, () => 0)).toEqual({ retry: true, attempt: 4, retryAt: failedAt });
    const late = planRetry(failure(3), DEFAULT_RETRY_POLICY, () => 0.9999999999);
    expect(late).toEqual({ retry: true, attempt: 4, retryAt: new Date(failedAt.getTime() + 4 * MIN) });
  });

  it('keeps every delay within [0, min(1 h, 1 min × 2^(attempt-1))]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
        const decision = planRetry(failure(attempt), DEFAULT_RETRY_POLICY, () => r);
        if (!decision.retry) return false;
        const delay = decision.retryAt.getTime() - failedAt.getTime();
        return delay >= 0 && delay <= Math.min(HOUR, MIN * 2 ** (attempt - 1));
      }),
    );
  });

  it('gives up after the last allowed attempt', () => {
    expect(planRetry(failure(5), DEFAULT_RETRY_POLICY, () => 0.5).retry).toBe(true);
    expect(planRetry(failure(6), DEFAULT_RETRY_POLICY, () => 0.5)).toEqual({ retry: false, reason: 'attempts-exhausted' });
    expect(planRetry(failure(1), { ...DEFAULT_RETRY_POLICY, maxAttempts: 1 })).toEqual({ retry: false, reason: 'attempts-exhausted' });
  });

  it('does not retry a failure the executor marked as not retryable', () => {
    expect(planRetry(failure(1, { retryable: false }), DEFAULT_RETRY_POLICY, () => 0)).toEqual({ retry: false, reason: 'not-retryable' });
  });

  it('never plans a retry at or after the next regular due time', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 2 * HOUR }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, untilDueMs, r) => {
          const nextRegularDueAt = new Date(failedAt.getTime() + untilDueMs);
          const decision = planRetry(failure(attempt, { nextRegularDueAt }), DEFAULT_RETRY_POLICY, () => r);
          return decision.retry ? decision.retryAt < nextRegularDueAt : decision.reason === 'next-regular-due';
        },
      ),
    );
  });

  it('gives up when the regular due time is closer than the drawn delay', () => {
    const nextRegularDueAt = new Date(failedAt.getTime() + 30_000);
    expect(planRetry(failure(2, { nextRegularDueAt }), DEFAULT_RETRY_POLICY, () => 0.5)).toEqual({ retry: false, reason: 'next-regular-due' });
  });

  it('refuses a random source outside [0, 1)', () => {
    expect(() => planRetry(failure(1), DEFAULT_RETRY_POLICY, () => 1)).toThrow('random: must return a number in [0, 1)');
  });
});
