import { nextAfterRotation, nextAfterScheduled, type RotateAtUtc } from '@rotor/rotation-domain/browser';

/** "HH:MM" (the browser's local time, on the day of `on`) → the UTC time of day the API stores. */
export function localTimeToUtc(local: string, on: Date = new Date()): RotateAtUtc {
  const match = /^(\d{2}):(\d{2})$/.exec(local);
  if (!match) throw new Error(`not a time of day: ${local}`);
  const d = new Date(on.getTime());
  d.setHours(Number(match[1]), Number(match[2]), 0, 0);
  return { hours: d.getUTCHours(), minutes: d.getUTCMinutes() };
}

/** The API's UTC time of day → "HH:MM" in the browser's local time (on the day of `on`). */
export function utcToLocalTime(at: RotateAtUtc, on: Date = new Date()): string {
  const d = new Date(Date.UTC(on.getUTCFullYear(), on.getUTCMonth(), on.getUTCDate(), at.hours, at.minutes));
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function formatUtcTime(at: RotateAtUtc): string {
  return `${pad(at.hours)}:${pad(at.minutes)} UTC`;
}

/** The browser's time zone name, e.g. "Asia/Kolkata". */
export function localZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** An instant as "Mon, 7 Dec 2026, 11:29 (Asia/Kolkata) · 05:59 UTC". */
export function formatInstant(iso: string | Date | null | undefined): string {
  if (!iso) return '—';
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  const local = d.toLocaleString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
  return `${local} (${localZone()}) · ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC ${d.toISOString().slice(0, 10)}`;
}

/**
 * The next `count` rotation times of a rotation created (or rotated) at `from`: the schedule
 * rule the scheduler uses, so the preview is what will happen.
 */
export function previewRotations(from: Date, intervalDays: number, at: RotateAtUtc, count = 3): Date[] {
  const times = [nextAfterRotation(from, intervalDays, at)];
  while (times.length < count) times.push(nextAfterScheduled(times[times.length - 1], intervalDays));
  return times;
}

/** Whole days from `now` until `iso` (0 when due). */
export function daysUntil(iso: string, now: Date = new Date()): number {
  return Math.max(0, Math.ceil((new Date(iso).getTime() - now.getTime()) / 86_400_000));
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
