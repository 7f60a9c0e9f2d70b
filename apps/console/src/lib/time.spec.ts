// Time-zone conversion of the wizard's rotate-at time. jest.config.cjs runs these tests in
// Asia/Kolkata (UTC+5:30), a half-hour offset.
import { formatUtcTime, localTimeToUtc, previewRotations, utcToLocalTime } from './time';

describe('rotate-at: local time of day ⇄ UTC', () => {
  const day = new Date('2026-12-07T12:00:00Z');

  it('runs at UTC+5:30', () => {
    expect(new Date('2026-12-07T00:00:00Z').getTimezoneOffset()).toBe(-330);
  });

  it('stores 11:29 in Asia/Kolkata (UTC+5:30) as 05:59 UTC, and shows it back as 11:29', () => {
    expect(localTimeToUtc('11:29', day)).toEqual({ hours: 5, minutes: 59 });
    expect(utcToLocalTime({ hours: 5, minutes: 59 }, day)).toBe('11:29');
    expect(formatUtcTime({ hours: 5, minutes: 59 })).toBe('05:59 UTC');
  });

  it('wraps across midnight both ways', () => {
    expect(localTimeToUtc('02:00', day)).toEqual({ hours: 20, minutes: 30 });
    expect(utcToLocalTime({ hours: 0, minutes: 0 }, day)).toBe('05:30');
    expect(utcToLocalTime({ hours: 20, minutes: 30 }, day)).toBe('02:00');
  });

  it('refuses what is not a time of day', () => {
    expect(() => localTimeToUtc('25', day)).toThrow('not a time of day');
  });

  it('previews the next three rotations with the scheduler’s rule (interval after now, at the UTC time)', () => {
    const times = previewRotations(new Date('2026-12-07T10:00:00Z'), 2, { hours: 5, minutes: 59 });
    expect(times.map((t) => t.toISOString())).toEqual(['2026-12-10T05:59:00.000Z', '2026-12-12T05:59:00.000Z', '2026-12-14T05:59:00.000Z']);
  });
});
