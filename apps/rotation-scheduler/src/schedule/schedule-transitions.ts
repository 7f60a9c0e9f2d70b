import {
  RotationAttemptFailed, RotationCompleted, RotationCreated, RotationGaveUp, RotationRequested, RotationUpdated,
} from '@rotor/contracts';
import { firstDueAfter, planRetry } from '@rotor/rotation-domain';
import { Schedule, ScheduleStatus } from './schedule.types';
import { SchedulerRules } from './scheduler-settings';

/**
 * How each rotation event moves a schedule. Pure: time and randomness come in as arguments.
 * A function returns null when the event is stale (a job of an older generation), so the
 * caller leaves the row as it is.
 */

export function onCreated(p: RotationCreated): Schedule {
  // Nothing is due until the initial rotation completes and rotation-config names the next time.
  return {
    rotationId: p.rotationId,
    projectId: p.projectId,
    enabled: p.isAutoRotationEnabled,
    intervalDays: p.rotationInterval,
    rotateAtUtc: formatRotateAt(p.rotateAtUtc),
    nextDueAt: null,
    dueAt: null,
    attempt: 0,
    retryAt: null,
    inFlightJobId: null,
    generation: 0,
    leaseExpiresAt: null,
    status: 'idle',
    lastMessage: null,
  };
}

/** New settings; nextRotationAt null (auto-rotation off) pauses, a time resumes from it. */
export function onUpdated(s: Schedule, p: RotationUpdated): Schedule {
  const enabled = p.isAutoRotationEnabled;
  const next: Schedule = {
    ...s,
    enabled,
    intervalDays: p.rotationInterval,
    rotateAtUtc: formatRotateAt(p.rotateAtUtc),
    nextDueAt: toDate(p.nextRotationAt),
    // A pause drops pending retries; resuming starts from the new regular due time.
    retryAt: enabled ? s.retryAt : null,
  };
  // Someone else's work in flight keeps its status (and lease) until its outcome arrives.
  const status = s.leaseExpiresAt !== null ? s.status : restingStatus(next, s.status === 'failed');
  return { ...next, status };
}

/**
 * A rotation is in flight (whoever asked for it): hold a lease until its outcome. The consumer
 * applies it in SQL (ScheduleRepository.applyRequested), held to this by test/transitions-in-sql.spec.
 */
export function onRequested(s: Schedule, p: RotationRequested, now: Date, rules: SchedulerRules): Schedule | null {
  if (p.generation <= s.generation) return null;
  return {
    ...s,
    projectId: p.projectId,
    generation: p.generation,
    inFlightJobId: p.jobId,
    attempt: p.attempt,
    dueAt: toDate(p.dueAt),
    retryAt: null,
    leaseExpiresAt: new Date(now.getTime() + rules.leaseMs),
    status: 'in_flight',
  };
}

/**
 * Done: the chain continues at rotation-config's nextRotationAt (null = nothing to plan). The
 * consumer applies it in SQL (ScheduleRepository.applyCompleted), held to this the same way.
 */
export function onCompleted(s: Schedule, p: RotationCompleted): Schedule | null {
  if (p.generation < s.generation) return null;
  const next: Schedule = {
    ...s,
    generation: p.generation,
    inFlightJobId: null,
    leaseExpiresAt: null,
    attempt: 0,
    dueAt: null,
    retryAt: null,
    nextDueAt: toDate(p.nextRotationAt),
    lastMessage: null,
  };
  return { ...next, status: restingStatus(next, false) };
}

/**
 * An attempt failed. One that served a regular due time is retried with backoff, strictly
 * before the chain's next due time; when the policy gives up the schedule stays `failed`
 * until that next due time. Initial and manual attempts are not retried by the scheduler:
 * RotationDue always names the regular due time it serves, and they serve none.
 */
export function onAttemptFailed(s: Schedule, p: RotationAttemptFailed, now: Date, rules: SchedulerRules): Schedule | null {
  if (p.generation < s.generation) return null;
  const base: Schedule = {
    ...s,
    generation: p.generation,
    inFlightJobId: null,
    leaseExpiresAt: null,
    attempt: p.attempt,
    dueAt: toDate(p.dueAt),
    retryAt: null,
    lastMessage: p.message,
  };
  if (!s.enabled) return { ...base, status: 'paused' };
  if (base.dueAt === null) return { ...base, status: 'failed' };

  const nextRegularDueAt = firstDueAfter(now, base.dueAt, s.intervalDays, rules.unit);
  const decision = planRetry(
    { attempt: p.attempt, failedAt: now, retryable: p.retryable, nextRegularDueAt },
    rules.retryPolicy,
    rules.random,
  );
  if (decision.retry) return { ...base, retryAt: decision.retryAt, status: 'retrying' };
  return { ...base, nextDueAt: nextRegularDueAt, status: 'failed' };
}

/**
 * What to announce after onAttemptFailed: a failure the schedule will not retry (it rests
 * `failed` or `paused`, no retry planned) is final, and watchers (alerts) hear it as
 * RotationGaveUp. A failure that will be retried announces nothing here.
 */
export function gaveUp(after: Schedule, p: RotationAttemptFailed, now: Date): RotationGaveUp | null {
  if (after.retryAt !== null || (after.status !== 'failed' && after.status !== 'paused')) return null;
  return {
    rotationId: p.rotationId,
    projectId: after.projectId,
    jobId: p.jobId,
    generation: p.generation,
    attempt: p.attempt,
    dueAt: p.dueAt,
    message: p.message,
    retryable: p.retryable,
    nextRotationAt: after.enabled && after.nextDueAt !== null ? after.nextDueAt.toISOString() : null,
    gaveUpAt: now.toISOString(),
  };
}

/** The status of a schedule no one is working on, from what it waits for. */
function restingStatus(s: Schedule, failed: boolean): ScheduleStatus {
  if (!s.enabled) return 'paused';
  if (s.retryAt !== null) return 'retrying';
  if (s.nextDueAt === null) return 'idle';
  return failed ? 'failed' : 'scheduled';
}

function toDate(iso: string | null): Date | null {
  return iso === null ? null : new Date(iso);
}

function formatRotateAt(at: { hours: number; minutes: number }): string {
  return `${String(at.hours).padStart(2, '0')}:${String(at.minutes).padStart(2, '0')}`;
}
