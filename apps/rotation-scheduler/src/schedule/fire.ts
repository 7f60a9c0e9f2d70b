import { RotationDue, RotationTimedOut } from '@rotor/contracts';
import { Schedule } from './schedule.types';
import { SchedulerRules } from './scheduler-settings';

/** What the due loop emits for a schedule whose time has come. */
export type FireEvent =
  | { type: 'RotationDue'; payload: RotationDue }
  | { type: 'RotationTimedOut'; payload: RotationTimedOut };

export interface Firing {
  /** null: only the schedule changes (a lease that no longer guards anything is dropped). */
  event: FireEvent | null;
  schedule: Schedule;
}

/**
 * The action for a claimed schedule at `now`, or null when nothing is due (the row's fire
 * time, a generated column, mirrors these rules: lease first, then retry, then the chain).
 *
 * Every firing takes a lease, so a schedule is never emitted twice while its answer is
 * awaited, and a lost or ignored answer is noticed when the lease runs out:
 * - a requested job without outcome is declared timed out with `RotationTimedOut`. Not
 *   failed: its credential may already be set and on its way to the secret store, and only
 *   the secret store can settle whether it will be served. It fences the job unless it stored
 *   it already, and then answers RotationFailed (timeout, retryable) for rotation-config,
 *   which owns the job; the RotationAttemptFailed that follows comes back here and is
 *   retried with backoff. The lease is taken again, so a lost answer is asked for again;
 * - a RotationDue that no RotationRequested answered is emitted again (rotation-config
 *   ignores one it already served).
 */
export function fire(s: Schedule, now: Date, rules: SchedulerRules): Firing | null {
  const lease = new Date(now.getTime() + rules.leaseMs);
  if (s.leaseExpiresAt !== null) {
    if (s.leaseExpiresAt > now) return null;
    if (s.inFlightJobId !== null) {
      return {
        event: { type: 'RotationTimedOut', payload: leaseTimeout(s, now, rules) },
        schedule: { ...s, leaseExpiresAt: lease, status: 'timed_out' },
      };
    }
    if (!s.enabled || s.dueAt === null) {
      const status = !s.enabled ? 'paused' : s.nextDueAt === null ? 'idle' : 'scheduled';
      return { event: null, schedule: { ...s, leaseExpiresAt: null, status } };
    }
    return {
      event: { type: 'RotationDue', payload: due(s, s.dueAt, s.attempt, now) },
      schedule: { ...s, leaseExpiresAt: lease },
    };
  }
  if (!s.enabled) return null;
  if (s.retryAt !== null) {
    if (s.retryAt > now) return null;
    if (s.dueAt === null) return { event: null, schedule: { ...s, retryAt: null, status: 'failed' } };
    const attempt = s.attempt + 1;
    return {
      event: { type: 'RotationDue', payload: due(s, s.dueAt, attempt, now) },
      schedule: { ...s, attempt, retryAt: null, leaseExpiresAt: lease, status: 'due' },
    };
  }
  if (s.nextDueAt === null || s.nextDueAt > now) return null;
  // However long ago it was due (downtime), it is requested once: rotation-config rejoins
  // the chain after the rotation instead of replaying every missed due time.
  return {
    event: { type: 'RotationDue', payload: due(s, s.nextDueAt, 1, now) },
    schedule: { ...s, dueAt: s.nextDueAt, attempt: 1, leaseExpiresAt: lease, status: 'due' },
  };
}

function due(s: Schedule, dueAt: Date, attempt: number, now: Date): RotationDue {
  return {
    rotationId: s.rotationId,
    dueAt: dueAt.toISOString(),
    reason: attempt > 1 ? 'retry' : 'scheduled',
    attempt,
    emittedAt: now.toISOString(),
  };
}

function leaseTimeout(s: Schedule, now: Date, rules: SchedulerRules): RotationTimedOut {
  return {
    rotationId: s.rotationId,
    projectId: s.projectId,
    jobId: s.inFlightJobId as string,
    generation: s.generation,
    message: `timeout: no outcome within the ${Math.round(rules.leaseMs / 1000)} s lease; declared timed out by rotation-scheduler`,
    timedOutAt: now.toISOString(),
  };
}
