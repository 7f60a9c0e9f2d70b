/**
 * When a failed delivery is tried again: capped exponential backoff, no jitter (deliveries
 * of one webhook are few, and a predictable schedule is easier to reason about for a
 * receiver that was down). Attempt n+1 waits min(maxDelayMs, baseDelayMs × 2^(n-1)) after
 * attempt n failed; after maxAttempts the delivery is given up (status `failed`).
 */
export interface DeliveryRetryPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
  maxAttempts: number;
}

/** 10 s, 20 s, 40 s … (capped at 1 h): 10 attempts over about an hour and a half. */
export const DEFAULT_DELIVERY_RETRY_POLICY: DeliveryRetryPolicy = { baseDelayMs: 10_000, maxDelayMs: 3_600_000, maxAttempts: 10 };

/** The wait before the next attempt after `attemptsMade` failed ones, or null when the delivery is given up. */
export function nextDeliveryDelayMs(attemptsMade: number, policy: DeliveryRetryPolicy = DEFAULT_DELIVERY_RETRY_POLICY): number | null {
  if (attemptsMade >= policy.maxAttempts) return null;
  const exponent = Math.max(0, attemptsMade - 1);
  // 2^exponent overflows to Infinity long after the cap; min() keeps it finite.
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
}
