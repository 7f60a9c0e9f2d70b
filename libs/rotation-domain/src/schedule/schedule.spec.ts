import fc from 'fast-check';
import { RotorError } from '@rotor/util';
import { firstDueAfter, nextAfterRotation, nextAfterScheduled, validateSchedule } from './schedule';

const d = (iso: string) => new Date(iso);
const iso = (date: Date) => date.toISOString();
const DAY = 86_400_000;

describe('nextAfterRotation (create or manual rotation)', () => {
  it('is the first rotateAt instant at least the interval after the rotation', () => {
    expect(iso(nextAfterRotation(d('2026-03-01T08:00:00Z'), 30, { hours: 11, minutes: 29 }))).toBe('2026-03-31T11:29:00.000Z');
    expect(iso(nextAfterRotation(d('2026-03-01T15:00:00Z'), 30, { hours: 11, minutes: 29 }))).toBe('2026-04-01T11:29:00.000Z');
  });

  it('gives exactly the interval for a rotation exactly at the rotateAt time', () => {
    expect(iso(nextAfterRotation(d('2026-03-01T11:29:00.000Z'), 30, { hours: 11, minutes: 29 }))).toBe('2026-03-31T11:29:00.000Z');
  });

  it('waits for the next day when the rotation ran even a millisecond after the rotateAt time', () => {
    expect(iso(nextAfterRotation(d('2026-03-01T11:29:00.001Z'), 30, { hours: 11, minutes: 29 }))).toBe('2026-04-01T11:29:00.000Z');
  });

  it('crosses month ends', () => {
    expect(iso(nextAfterRotation(d('2026-01-31T23:59:00Z'), 1, { hours: 0, minutes: 0 }))).toBe('2026-02-02T00:00:00.000Z');
    expect(iso(nextAfterRotation(d('2026-01-31T10:00:00Z'), 30, { hours: 10, minutes: 0 }))).toBe('2026-03-02T10:00:00.000Z');
    expect(iso(nextAfterRotation(d('2026-04-30T23:00:00Z'), 1, { hours: 23, minutes: 30 }))).toBe('2026-05-01T23:30:00.000Z');
  });

  it('crosses the year end', () => {
    expect(iso(nextAfterRotation(d('2026-12-31T12:00:00Z'), 1, { hours: 11, minutes: 0 }))).toBe('2027-01-02T11:00:00.000Z');
    expect(iso(nextAfterRotation(d('2026-12-31T23:59:59.999Z'), 1, { hours: 23, minutes: 59 }))).toBe('2027-01-02T23:59:00.000Z');
  });

  it('lands on the leap day 2028-02-29 and steps over it', () => {
    expect(iso(nextAfterRotation(d('2028-02-28T10:00:00Z'), 1, { hours: 10, minutes: 0 }))).toBe('2028-02-29T10:00:00.000Z');
    expect(iso(nextAfterRotation(d('2028-02-29T10:00:00Z'), 1, { hours: 10, minutes: 0 }))).toBe('2028-03-01T10:00:00.000Z');
    expect(iso(nextAfterRotation(d('2027-02-28T10:00:00Z'), 1, { hours: 10, minutes: 0 }))).toBe('2027-03-01T10:00:00.000Z');
  });

  it('accepts the interval and time bounds', () => {
    expect(iso(nextAfterRotation(d('2026-01-01T00:00:00Z'), 365, { hours: 23, minutes: 59 }))).toBe('2027-01-01T23:59:00.000Z');
    expect(iso(nextAfterRotation(d('2026-01-01T00:00:00Z'), 1, { hours: 0, minutes: 0 }))).toBe('2026-01-02T00:00:00.000Z');
  });

  it('property: never earlier than the interval, at most a day later, always at the rotateAt time', () => {
    const when = fc.date({ min: d('2000-01-01T00:00:00Z'), max: d('2100-01-01T00:00:00Z'), noInvalidDate: true });
    fc.assert(
      fc.property(when, fc.integer({ min: 1, max: 365 }), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), (at, days, hours, minutes) => {
        const next = nextAfterRotation(at, days, { hours, minutes });
        const gap = next.getTime() - at.getTime();
        expect(gap).toBeGreaterThanOrEqual(days * DAY);
        expect(gap).toBeLessThan(days * DAY + DAY);
        expect([next.getUTCHours(), next.getUTCMinutes(), next.getUTCSeconds(), next.getUTCMilliseconds()]).toEqual([hours, minutes, 0, 0]);
      }),
    );
  });
});

describe('nextAfterScheduled (after a scheduled rotation)', () => {
  it('is exactly the interval after the due time, however late the rotation ran', () => {
    expect(iso(nextAfterScheduled(d('2026-03-01T11:29:00Z'), 30))).toBe('2026-03-31T11:29:00.000Z');
  });

  it('keeps a 30-day chain over a year without drift', () => {
    const chain = [d('2026-01-15T11:29:00Z')];
    for (let i = 0; i < 12; i++) chain.push(nextAfterScheduled(chain[chain.length - 1], 30));
    expect(chain.map(iso)).toEqual([
      '2026-01-15T11:29:00.000Z',
      '2026-02-14T11:29:00.000Z',
      '2026-03-16T11:29:00.000Z',
      '2026-04-15T11:29:00.000Z',
      '2026-05-15T11:29:00.000Z',
      '2026-06-14T11:29:00.000Z',
      '2026-07-14T11:29:00.000Z',
      '2026-08-13T11:29:00.000Z',
      '2026-09-12T11:29:00.000Z',
      '2026-10-12T11:29:00.000Z',
      '2026-11-11T11:29:00.000Z',
      '2026-12-11T11:29:00.000Z',
      '2027-01-10T11:29:00.000Z',
    ]);
  });

  it('counts the leap day as a day', () => {
    expect(iso(nextAfterScheduled(d('2028-02-28T00:00:00Z'), 1))).toBe('2028-02-29T00:00:00.000Z');
    expect(iso(nextAfterScheduled(d('2028-02-29T00:00:00Z'), 365))).toBe('2029-02-28T00:00:00.000Z');
    expect(iso(nextAfterScheduled(d('2027-12-31T06:00:00Z'), 60))).toBe('2028-02-29T06:00:00.000Z');
  });
});

describe('firstDueAfter (rejoining the chain after missed due times)', () => {
  const due = d('2026-03-01T11:29:00Z');

  it('is the next due time when nothing was missed', () => {
    expect(iso(firstDueAfter(d('2026-03-01T11:30:00Z'), due, 30))).toBe('2026-03-31T11:29:00.000Z');
    expect(iso(firstDueAfter(d('2026-02-01T00:00:00Z'), due, 30))).toBe('2026-03-31T11:29:00.000Z');
  });

  it('skips due times already in the past, staying on the chain', () => {
    expect(iso(firstDueAfter(d('2026-05-10T00:00:00Z'), due, 30))).toBe('2026-05-30T11:29:00.000Z');
  });

  it('is strictly after now when now is exactly a due time', () => {
    expect(iso(firstDueAfter(d('2026-03-31T11:29:00Z'), due, 30))).toBe('2026-04-30T11:29:00.000Z');
  });
});

describe('minutes (development setting)', () => {
  it('counts the interval in minutes and aligns to the whole minute, ignoring rotateAt', () => {
    expect(iso(nextAfterRotation(d('2026-03-01T11:29:30.500Z'), 5, { hours: 3, minutes: 7 }, 'minutes'))).toBe('2026-03-01T11:35:00.000Z');
    expect(iso(nextAfterRotation(d('2026-03-01T11:29:00.000Z'), 5, { hours: 3, minutes: 7 }, 'minutes'))).toBe('2026-03-01T11:34:00.000Z');
    expect(iso(nextAfterRotation(d('2026-12-31T23:58:10Z'), 2, { hours: 0, minutes: 0 }, 'minutes'))).toBe('2027-01-01T00:01:00.000Z');
  });

  it('keeps a scheduled chain in exact minutes', () => {
    expect(iso(nextAfterScheduled(d('2026-03-01T11:29:00Z'), 3, 'minutes'))).toBe('2026-03-01T11:32:00.000Z');
    expect(iso(firstDueAfter(d('2026-03-01T11:40:00Z'), d('2026-03-01T11:29:00Z'), 3, 'minutes'))).toBe('2026-03-01T11:41:00.000Z');
  });
});

describe('schedule validation', () => {
  it('names each field as the API does', () => {
    expect(validateSchedule(30, { hours: 11, minutes: 29 })).toEqual([]);
    expect(validateSchedule(0, { hours: 11.5, minutes: 29.5 })).toEqual([
      { field: 'rotationInterval', message: 'must be a whole number from 1 to 365' },
      { field: 'rotateAtUtc.hours', message: 'must be a whole number from 0 to 23' },
      { field: 'rotateAtUtc.minutes', message: 'must be a whole number from 0 to 59' },
    ]);
    expect(validateSchedule(366).map((i) => i.field)).toEqual(['rotationInterval']);
    expect(validateSchedule(1, { hours: 24, minutes: 60 }).map((i) => i.field)).toEqual(['rotateAtUtc.hours', 'rotateAtUtc.minutes']);
    expect(validateSchedule(1, { hours: -1, minutes: 0 }).map((i) => i.field)).toEqual(['rotateAtUtc.hours']);
  });

  it.each([
    ['a zero interval', () => nextAfterScheduled(d('2026-01-01T00:00:00Z'), 0), 'rotationInterval'],
    ['a fractional interval', () => nextAfterRotation(d('2026-01-01T00:00:00Z'), 1.5, { hours: 0, minutes: 0 }), 'rotationInterval'],
    ['hour 24', () => nextAfterRotation(d('2026-01-01T00:00:00Z'), 1, { hours: 24, minutes: 0 }), 'rotateAtUtc.hours'],
    ['minute 60 in minutes mode too', () => nextAfterRotation(d('2026-01-01T00:00:00Z'), 1, { hours: 0, minutes: 60 }, 'minutes'), 'rotateAtUtc.minutes'],
    ['an invalid date', () => nextAfterScheduled(d('not a date'), 1), 'dueAt'],
    ['an unknown unit', () => firstDueAfter(d('2026-01-01T00:00:00Z'), d('2026-01-01T00:00:00Z'), 1, 'hours' as 'days'), 'unit'],
  ])('throws SCHEDULE.INVALID for %s', (_what, call, field) => {
    expect(call).toThrow(RotorError);
    expect(call).toThrow(expect.objectContaining({ code: 'SCHEDULE.INVALID', kind: 'validation', details: [expect.objectContaining({ field })] }));
  });
});
