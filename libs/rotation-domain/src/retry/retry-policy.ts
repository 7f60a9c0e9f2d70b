import { RotorError } from '@rotor/util';

/**
 * How a failed rotation is retried: capped exponential backoff with full jitter
 * (delay drawn uniformly from [0, min(maxDelay, baseDelay × 2^(attempt-1))]), a bounded
 * number of attempts, and never at or after the next regular due time, so retries never
 * move or overtake the regular chain (docs/architecture.md, schedule rule).
 */
export interface RetryPolicy {
  /** Ceiling of the delay before the second attempt. */
  baseDelayMs: number;
  /** The ceiling never grows past this. */
  maxDelayMs: number;
  /** Attempts per regular due time, the first one included. */
  maxAttempts: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  baseDelayMs: 60_000,
  maxDelayMs: 60 * 60_000,
  maxAttempts: 6,
};

export interface FailedAttempt {
  /** The attempt that failed, 1-based. */
  attempt: number;
  failedAt: Date;
  retryable: boolean;
  /** The next regular due time of the chain; a retry must happen strictly before it. */
  nextRegularDueAt: Date | null;
}

export type RetryGiveUpReason = 'not-retryable' | 'attempts-exhausted' | 'next-regular-due';

export type RetryDecision =
  | { retry: true; attempt: number; retryAt: Date }
  | { retry: false; reason: RetryGiveUpReason };

/** The upper bound of the jittered delay after `attempt` failed. */
export function backoffCeilingMs(attempt: number, policy: RetryPolicy = DEFAULT_RETRY_POLICY): number {
  assertPolicy(policy);
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw RotorError.validation('RETRY.INVALID', [{ field: 'attempt', message: 'must be a whole number from 1' }]);
  }
  // 2^(attempt-1) overflows to Infinity for absurd attempts; Math.min still caps it.
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
}

/**
 * Whether and when to try again after `failed`. `random` returns a number in [0, 1)
 * (Math.random by default; tests pass a fixed one).
 */
export function planRetry(
  failed: FailedAttempt,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  random: () => number = Math.random,
): RetryDecision {
  const ceiling = backoffCeilingMs(failed.attempt, policy);
  if (!failed.retryable) return { retry: false, reason: 'not-retryable' };
  if (failed.attempt >= policy.maxAttempts) return { retry: false, reason: 'attempts-exhausted' };
  const r = random();
  if (!(r >= 0 && r < 1)) {
    throw RotorError.validation('RETRY.INVALID', [{ field: 'random', message: 'must return a number in [0, 1)' }]);
  }
  const retryAt = new Date(failed.failedAt.getTime() + Math.floor(r * (ceiling + 1)));
  if (failed.nextRegularDueAt !== null && retryAt.getTime() >= failed.nextRegularDueAt.getTime()) {
    return { retry: false, reason: 'next-regular-due' };
  }
  return { retry: true, attempt: failed.attempt + 1, retryAt };
}

function assertPolicy(p: RetryPolicy): void {
  const issues = [];
  if (!Number.isInteger(p.baseDelayMs) || p.baseDelayMs < 0) issues.push({ field: 'baseDelayMs', message: 'must be a whole number >= 0' });
  if (!Number.isInteger(p.maxDelayMs) || p.maxDelayMs < p.baseDelayMs) issues.push({ field: 'maxDelayMs', message: 'must be a whole number >= baseDelayMs' });
  if (!Number.isInteger(p.maxAttempts) || p.maxAttempts < 1) issues.push({ field: 'maxAttempts', message: 'must be a whole number >= 1' });
  if (issues.length > 0) throw RotorError.validation('RETRY.INVALID', issues);
}
