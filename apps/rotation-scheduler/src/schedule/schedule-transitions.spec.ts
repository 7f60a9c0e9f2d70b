import { DEFAULT_RETRY_POLICY } from '@rotor/rotation-domain';
import { attemptFailed, completed, created, requested, updated } from '../../test/support/rotation-events';
import { fire } from './fire';
import { gaveUp, onAttemptFailed, onCompleted, onCreated, onRequested, onUpdated } from './schedule-transitions';
import { Schedule, fireAtOf, firesSooner } from './schedule.types';
import { SchedulerRules } from './scheduler-settings';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const rules: SchedulerRules = { leaseMs: 5 * MIN, retryPolicy: DEFAULT_RETRY_POLICY, unit: 'days', random: () => 0.5 };
const T = new Date('2026-03-02T10:00:00.000Z');
const at = (ms: number) => new Date(T.getTime() + ms);
const iso = (d: Date) => d.toISOString();
const id = 'rot-1';

/** A schedule whose initial rotation completed, next due at T. */
function scheduledAtT(): Schedule {
  const initial = { jobId: 'job-1', generation: 1, reason: 'initial' as const };
  const s = onRequested(onCreated(created(id)), requested(id, initial), at(-DAY), rules) as Schedule;
  return onCompleted(s, completed(id, initial, iso(T))) as Schedule;
}

/** The scheduled rotation of due time T was requested (job-2) and is in flight. */
function inFlightForT(now = at(1000)): Schedule {
  const firing = fire(scheduledAtT(), T, rules);
  const job = { jobId: 'job-2', generation: 2, reason: 'scheduled' as const, dueAt: iso(T) };
  return onRequested(firing?.schedule as Schedule, requested(id, job), now, rules) as Schedule;
}

function failAttempt(s: Schedule, attempt: number, now: Date, over: { retryable?: boolean } = {}): Schedule {
  const job = { jobId: s.inFlightJobId ?? 'job-x', generation: s.generation, reason: 'scheduled' as const, attempt, dueAt: iso(T) };
  return onAttemptFailed(s, attemptFailed(id, job, over), now, rules) as Schedule;
}

describe('the schedule of one rotation', () => {
  it('has nothing due until the initial rotation completes', () => {
    const s = onCreated(created(id));
    expect(s).toMatchObject({ status: 'idle', nextDueAt: null });
    expect(fire(s, at(365 * DAY), rules)).toBeNull();
    const requestedInitial = onRequested(s, requested(id, { jobId: 'job-1', generation: 1, reason: 'initial' }), at(-DAY), rules);
    expect(requestedInitial).toMatchObject({ status: 'in_flight', inFlightJobId: 'job-1', leaseExpiresAt: at(-DAY + 5 * MIN) });
  });

  it('is due at the nextRotationAt of the completed rotation, and not a millisecond before', () => {
    const s = scheduledAtT();
    expect(s).toMatchObject({ status: 'scheduled', nextDueAt: T, inFlightJobId: null, leaseExpiresAt: null });
    expect(fire(s, at(-1), rules)).toBeNull();
    const firing = fire(s, T, rules);
    expect(firing?.event).toEqual({
      type: 'RotationDue',
      payload: { rotationId: id, dueAt: iso(T), reason: 'scheduled', attempt: 1, emittedAt: iso(T) },
    });
    expect(firing?.schedule).toMatchObject({ status: 'due', dueAt: T, attempt: 1, leaseExpiresAt: at(5 * MIN) });
  });

  it('requests a due time missed long ago once, with that due time, and holds it while waiting', () => {
    const s = scheduledAtT();
    const late = at(10 * DAY);
    const firing = fire(s, late, rules);
    expect(firing?.event?.payload).toMatchObject({ dueAt: iso(T), reason: 'scheduled', attempt: 1 });
    expect(fire(firing?.schedule as Schedule, new Date(late.getTime() + 4 * MIN), rules)).toBeNull();
  });

  it('emits the same RotationDue again when no request answered it within the lease', () => {
    const due = fire(scheduledAtT(), T, rules)?.schedule as Schedule;
    const again = fire(due, at(5 * MIN), rules);
    expect(again?.event?.payload).toMatchObject({ dueAt: iso(T), reason: 'scheduled', attempt: 1 });
    expect(again?.schedule.leaseExpiresAt).toEqual(at(10 * MIN));
  });

  it('does not fire a due time while a manual rotation is in flight, and takes the next time from its outcome', () => {
    const manual = { jobId: 'job-m', generation: 2, reason: 'manual' as const };
    const s = onRequested(scheduledAtT(), requested(id, manual), at(-MIN), rules) as Schedule;
    expect(fire(s, at(MIN), rules)).toBeNull();
    const done = onCompleted(s, completed(id, manual, iso(at(DAY + 2 * MIN)))) as Schedule;
    expect(done).toMatchObject({ status: 'scheduled', nextDueAt: at(DAY + 2 * MIN) });
    expect(fire(done, at(MIN), rules)).toBeNull();
  });

  it('declares a requested rotation timed out when its lease runs out (the secret store settles whether it failed)', () => {
    const s = inFlightForT();
    expect(fire(s, at(1000 + 5 * MIN - 1), rules)).toBeNull();
    const firing = fire(s, at(1000 + 5 * MIN), rules);
    expect(firing?.event).toEqual({
      type: 'RotationTimedOut',
      payload: {
        rotationId: id,
        projectId: 'project-1',
        jobId: 'job-2',
        generation: 2,
        message: expect.stringContaining('timeout: no outcome within the 300 s lease'),
        timedOutAt: iso(at(1000 + 5 * MIN)),
      },
    });
    expect(firing?.schedule).toMatchObject({ status: 'timed_out', leaseExpiresAt: at(1000 + 10 * MIN) });
  });

  it('retries a failed scheduled attempt with backoff and leaves the regular chain where it was', () => {
    const failedAt = at(2 * MIN);
    const s = failAttempt(inFlightForT(), 1, failedAt);
    // random 0.5 of a 1 minute ceiling
    expect(s).toMatchObject({ status: 'retrying', retryAt: new Date(failedAt.getTime() + 30_000), nextDueAt: T, inFlightJobId: null });
    expect(fire(s, new Date(failedAt.getTime() + 29_999), rules)).toBeNull();
    const retry = fire(s, new Date(failedAt.getTime() + 30_000), rules);
    expect(retry?.event?.payload).toMatchObject({ rotationId: id, dueAt: iso(T), reason: 'retry', attempt: 2 });
    expect(retry?.schedule).toMatchObject({ status: 'due', attempt: 2, retryAt: null });
  });

  it('gives up after the last attempt and stays failed until the next regular due time', () => {
    const s = failAttempt(inFlightForT(), DEFAULT_RETRY_POLICY.maxAttempts, at(3 * 60 * MIN));
    expect(s).toMatchObject({ status: 'failed', retryAt: null, nextDueAt: at(DAY), lastMessage: 'node 127.0.0.1:6379 unreachable' });
    expect(fire(s, at(DAY - 1), rules)).toBeNull();
    expect(fire(s, at(DAY), rules)?.event?.payload).toMatchObject({ dueAt: iso(at(DAY)), reason: 'scheduled', attempt: 1 });
  });

  it('never plans a retry at or after the next regular due time', () => {
    // attempt 3 → up to 4 min, drawn 2 min; one minute before the next due time.
    const s = failAttempt(inFlightForT(), 3, at(DAY - MIN));
    expect(s).toMatchObject({ status: 'failed', retryAt: null, nextDueAt: at(DAY) });
  });

  it('does not retry a failure the executor called permanent', () => {
    const s = failAttempt(inFlightForT(), 1, at(2 * MIN), { retryable: false });
    expect(s).toMatchObject({ status: 'failed', retryAt: null, nextDueAt: at(DAY) });
  });

  it('does not retry a failed manual rotation; the regular chain goes on', () => {
    const manual = { jobId: 'job-m', generation: 2, reason: 'manual' as const, attempt: 1 };
    const s = onRequested(scheduledAtT(), requested(id, manual), at(-2 * MIN), rules) as Schedule;
    const failed = onAttemptFailed(s, attemptFailed(id, manual), at(-MIN), rules) as Schedule;
    expect(failed).toMatchObject({ status: 'failed', retryAt: null, nextDueAt: T });
    expect(fire(failed, T, rules)?.event?.payload).toMatchObject({ dueAt: iso(T), reason: 'scheduled' });
  });

  it('announces that it gave up only on a failure it will not retry', () => {
    const job = (attempt: number) => ({ jobId: 'job-2', generation: 2, reason: 'scheduled' as const, attempt, dueAt: iso(T) });
    const retried = failAttempt(inFlightForT(), 1, at(2 * MIN));
    expect(gaveUp(retried, attemptFailed(id, job(1)), at(2 * MIN))).toBeNull();

    const last = DEFAULT_RETRY_POLICY.maxAttempts;
    const exhausted = failAttempt(inFlightForT(), last, at(3 * 60 * MIN));
    expect(gaveUp(exhausted, attemptFailed(id, job(last)), at(3 * 60 * MIN))).toEqual({
      rotationId: id, projectId: exhausted.projectId, jobId: 'job-2', generation: 2, attempt: last, dueAt: iso(T),
      message: 'node 127.0.0.1:6379 unreachable', retryable: true, nextRotationAt: iso(at(DAY)), gaveUpAt: iso(at(3 * 60 * MIN)),
    });

    const permanent = failAttempt(inFlightForT(), 1, at(2 * MIN), { retryable: false });
    expect(gaveUp(permanent, attemptFailed(id, job(1), { retryable: false }), at(2 * MIN))).toMatchObject({ attempt: 1, retryable: false });

    const manual = { jobId: 'job-m', generation: 2, reason: 'manual' as const, attempt: 1 };
    const s = onRequested(scheduledAtT(), requested(id, manual), at(-2 * MIN), rules) as Schedule;
    const failedManual = onAttemptFailed(s, attemptFailed(id, manual), at(-MIN), rules) as Schedule;
    expect(gaveUp(failedManual, attemptFailed(id, manual), at(-MIN))).toMatchObject({ jobId: 'job-m', dueAt: null, nextRotationAt: iso(T) });
  });

  it('counts the interval in minutes under the development setting', () => {
    const minutes: SchedulerRules = { ...rules, unit: 'minutes' };
    const s = inFlightForT();
    const job = { jobId: 'job-2', generation: 2, reason: 'scheduled' as const, attempt: 6, dueAt: iso(T) };
    expect(onAttemptFailed({ ...s, intervalDays: 5 }, attemptFailed(id, job), at(MIN), minutes)).toMatchObject({
      status: 'failed',
      nextDueAt: at(5 * MIN),
    });
  });

  it('pauses on auto-rotation off (dropping retries) and resumes from the new due time', () => {
    const retrying = failAttempt(inFlightForT(), 1, at(2 * MIN));
    const paused = onUpdated(retrying, updated(id, null));
    expect(paused).toMatchObject({ status: 'paused', enabled: false, nextDueAt: null, retryAt: null });
    expect(fire(paused, at(365 * DAY), rules)).toBeNull();

    const resumed = onUpdated(paused, updated(id, iso(at(3 * DAY))));
    expect(resumed).toMatchObject({ status: 'scheduled', enabled: true, nextDueAt: at(3 * DAY) });
    expect(fire(resumed, at(3 * DAY - 1), rules)).toBeNull();
    expect(fire(resumed, at(3 * DAY), rules)?.event?.payload).toMatchObject({ dueAt: iso(at(3 * DAY)), reason: 'scheduled' });
  });

  it('keeps the lease of a rotation in flight through a pause', () => {
    const paused = onUpdated(inFlightForT(), updated(id, null));
    expect(paused).toMatchObject({ status: 'in_flight', enabled: false, inFlightJobId: 'job-2' });
    expect(fire(paused, at(1000 + 5 * MIN), rules)?.event?.type).toBe('RotationTimedOut');
    const done = onCompleted(paused, completed(id, { jobId: 'job-2', generation: 2, reason: 'scheduled', dueAt: iso(T) }, null));
    expect(done).toMatchObject({ status: 'paused', leaseExpiresAt: null });
  });

  it('drops a RotationDue awaiting its request once auto-rotation is off', () => {
    const due = onUpdated(fire(scheduledAtT(), T, rules)?.schedule as Schedule, updated(id, null));
    const firing = fire(due, at(5 * MIN), rules);
    expect(firing).toEqual({ event: null, schedule: expect.objectContaining({ status: 'paused', leaseExpiresAt: null }) });
  });

  it('ignores job events of an older generation', () => {
    const s = inFlightForT();
    const stale = { jobId: 'job-1', generation: 1, reason: 'initial' as const, attempt: 1 };
    expect(onAttemptFailed(s, attemptFailed(id, stale), at(MIN), rules)).toBeNull();
    expect(onCompleted(s, completed(id, stale, iso(at(DAY))))).toBeNull();
    expect(onRequested(s, requested(id, stale), at(MIN), rules)).toBeNull();
  });
});

describe('waking the due loops', () => {
  it('wakes them when a change makes the row fire sooner: a manual request (its lease), a failed attempt (its retry)', () => {
    const inFlight = inFlightForT();
    const job = { jobId: 'job-2', generation: 2, reason: 'scheduled' as const, dueAt: iso(T) };
    const done = onCompleted(inFlight, completed(id, job, iso(at(DAY)))) as Schedule;
    const manual = onRequested(done, requested(id, { jobId: 'job-3', generation: 3, reason: 'manual' }), at(2000), rules) as Schedule;
    expect(fireAtOf(manual)).toEqual(at(2000 + rules.leaseMs));
    expect(firesSooner(done, manual)).toBe(true);
    const retrying = failAttempt(inFlight, 1, at(2000));
    expect(firesSooner(inFlight, retrying)).toBe(true);
    expect(firesSooner(null, retrying)).toBe(true);
    // The request of a regular due time only moves its lease later.
    expect(firesSooner(fire(scheduledAtT(), T, rules)?.schedule as Schedule, inFlight)).toBe(false);
  });

  it('lets them sleep when the row fires later or never: a completion, a pause', () => {
    const inFlight = inFlightForT();
    const job = { jobId: 'job-2', generation: 2, reason: 'scheduled' as const, dueAt: iso(T) };
    const done = onCompleted(inFlight, completed(id, job, iso(at(DAY)))) as Schedule;
    expect(fireAtOf(done)).toEqual(at(DAY));
    expect(firesSooner(inFlight, done)).toBe(false);
    expect(firesSooner(done, { ...done, enabled: false })).toBe(false);
    expect(firesSooner(done, { ...done, nextDueAt: at(DAY - MIN) })).toBe(true);
  });
});
