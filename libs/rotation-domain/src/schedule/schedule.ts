import { FieldIssue, RotorError } from '@rotor/util';

/** The time of day (UTC) a rotation happens once its interval has elapsed. */
export interface RotateAtUtc {
  hours: number;
  minutes: number;
}

/**
 * 'days' is the product: the interval counts days and `rotateAtUtc` picks the time of day.
 * 'minutes' is a development setting for demos: the interval counts minutes, results fall
 * on a whole minute (second 0), and `rotateAtUtc` is still validated but picks nothing.
 */
export type ScheduleUnit = 'days' | 'minutes';

export const ROTATION_INTERVAL_MIN = 1;
export const ROTATION_INTERVAL_MAX = 365;

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** Field names as the API reports them (docs/architecture.md, schedule rule). */
export function validateSchedule(intervalDays: number, at?: RotateAtUtc): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!isWholeIn(intervalDays, ROTATION_INTERVAL_MIN, ROTATION_INTERVAL_MAX)) {
    issues.push({ field: 'rotationInterval', message: `must be a whole number from ${ROTATION_INTERVAL_MIN} to ${ROTATION_INTERVAL_MAX}` });
  }
  if (at !== undefined) {
    if (!isWholeIn(at?.hours, 0, 23)) issues.push({ field: 'rotateAtUtc.hours', message: 'must be a whole number from 0 to 23' });
    if (!isWholeIn(at?.minutes, 0, 59)) issues.push({ field: 'rotateAtUtc.minutes', message: 'must be a whole number from 0 to 59' });
  }
  return issues;
}

/**
 * After a create or a manual rotation: the first `at` instant (UTC, second 0) that is at
 * least `intervalDays` days after `rotatedAt`. A rotation exactly at the `at` time gives
 * exactly `intervalDays` days; one a millisecond later waits for the next day's `at`.
 */
export function nextAfterRotation(rotatedAt: Date, intervalDays: number, at: RotateAtUtc, unit: ScheduleUnit = 'days'): Date {
  assertSchedule(intervalDays, at, unit);
  const earliest = instant(rotatedAt, 'rotatedAt') + intervalDays * unitMs(unit);
  if (unit === 'minutes') return new Date(Math.ceil(earliest / MINUTE_MS) * MINUTE_MS);

  const day = new Date(earliest);
  const sameDay = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), at.hours, at.minutes);
  return new Date(sameDay >= earliest ? sameDay : sameDay + DAY_MS);
}

/**
 * After a scheduled rotation: exactly `intervalDays` × 24 h after the due time it served,
 * however late it actually ran, so the chain never drifts. (UTC has no daylight saving, so
 * 24 h is always one calendar day.)
 */
export function nextAfterScheduled(dueAt: Date, intervalDays: number, unit: ScheduleUnit = 'days'): Date {
  assertSchedule(intervalDays, undefined, unit);
  return new Date(instant(dueAt, 'dueAt') + intervalDays * unitMs(unit));
}

/**
 * The first due time of the chain `dueAt + k × interval` (k ≥ 1) strictly after `now`.
 * For a scheduler that comes back after missing due times: it rotates once and rejoins the
 * chain, rather than firing every missed rotation back to back (which would also revoke
 * the credential clients were still using).
 */
export function firstDueAfter(now: Date, dueAt: Date, intervalDays: number, unit: ScheduleUnit = 'days'): Date {
  assertSchedule(intervalDays, undefined, unit);
  const step = intervalDays * unitMs(unit);
  const from = instant(dueAt, 'dueAt');
  const missed = Math.max(0, Math.floor((instant(now, 'now') - from) / step));
  return new Date(from + (missed + 1) * step);
}

function assertSchedule(intervalDays: number, at: RotateAtUtc | undefined, unit: ScheduleUnit): void {
  const issues = validateSchedule(intervalDays, at);
  if (unit !== 'days' && unit !== 'minutes') issues.push({ field: 'unit', message: 'must be "days" or "minutes"' });
  if (issues.length > 0) throw RotorError.validation('SCHEDULE.INVALID', issues);
}

function instant(date: Date, name: string): number {
  const ms = date instanceof Date ? date.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw RotorError.validation('SCHEDULE.INVALID', [{ field: name, message: 'must be a valid date' }]);
  return ms;
}

function unitMs(unit: ScheduleUnit): number {
  return unit === 'minutes' ? MINUTE_MS : DAY_MS;
}

function isWholeIn(n: unknown, min: number, max: number): boolean {
  return typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max;
}
