/**
 * Where one rotation stands in the scheduler's own table (`schedules`).
 *
 * - idle       nothing planned yet (the initial rotation has not completed)
 * - scheduled  waiting for `nextDueAt`
 * - due        RotationDue emitted; waiting for rotation-config's RotationRequested
 * - in_flight  requested; waiting for RotationCompleted or RotationAttemptFailed
 * - timed_out  the lease expired; RotationTimedOut emitted, waiting for the outcome
 * - retrying   an attempt failed; the next one goes out at `retryAt`
 * - failed     no attempt left; waits for the next regular due time
 * - paused     auto-rotation is off
 */
export const SCHEDULE_STATUSES = ['idle', 'scheduled', 'due', 'in_flight', 'timed_out', 'retrying', 'failed', 'paused'] as const;
export type ScheduleStatus = (typeof SCHEDULE_STATUSES)[number];

export interface Schedule {
  rotationId: string;
  projectId: string;
  enabled: boolean;
  intervalDays: number;
  /** 'HH:MM' UTC, for operators; the scheduler takes due times from rotation-config's events. */
  rotateAtUtc: string;
  /**
   * The regular due time the chain waits on. It stays put while that due time is being
   * served (attempts and retries) and only moves on RotationCompleted / RotationUpdated
   * (rotation-config's nextRotationAt) or when the retries give up: failures never shift it.
   */
  nextDueAt: Date | null;
  /** The regular due time the current attempts serve; null for initial and manual ones. */
  dueAt: Date | null;
  /** The number of the latest attempt (0 before the first). */
  attempt: number;
  retryAt: Date | null;
  inFlightJobId: string | null;
  /** Highest job generation seen: job events of an older generation are stale. */
  generation: number;
  /** Set while something is expected of another service; past it, the scheduler acts. */
  leaseExpiresAt: Date | null;
  status: ScheduleStatus;
  /** The last failure's message (already redacted by its producer). */
  lastMessage: string | null;
}

/** When the due loop acts on this row: the `fire_at` column Postgres generates, computed the same way. */
export function fireAtOf(s: Schedule): Date | null {
  if (s.leaseExpiresAt !== null) return s.leaseExpiresAt;
  if (!s.enabled) return null;
  return s.retryAt ?? s.nextDueAt;
}

/**
 * Whether the due loops must be woken for this change: only when the row now fires sooner
 * than before (or fires where it did not). A loop sleeps until the nearest fire time it saw,
 * so a row that fires later or never just finds it looking a little early, and looking again.
 */
export function firesSooner(before: Schedule | null, after: Schedule): boolean {
  const next = fireAtOf(after);
  if (next === null) return false;
  const previous = before === null ? null : fireAtOf(before);
  return previous === null || next.getTime() < previous.getTime();
}
