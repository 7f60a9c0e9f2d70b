import { waitFor } from '@rotor/testing';
import { ManualClock } from '@rotor/util';
import { DataSource } from 'typeorm';
import { DueLoop } from '../src/due-loop/due-loop';
import { ScheduleRepository } from '../src/schedule/schedule.repository';
import { connect, outbox, scheduledRow, schedulerTestDatabase, seed } from './support/database';
import { TEST_RULES, quietLogger } from './support/rules';

const MIN = 60_000;
const STOPPED_AT = new Date('2026-03-02T10:00:00.000Z');

describe('the due loop (real Postgres)', () => {
  let url: string;
  let ds: DataSource;
  let loop: DueLoop | undefined;

  beforeAll(async () => {
    url = await schedulerTestDatabase('due_loop');
    ds = await connect(url);
  });
  afterEach(async () => {
    await loop?.stop();
    loop = undefined;
    await ds.query('TRUNCATE schedules, outbox');
  });
  afterAll(() => ds?.destroy());

  function startLoop(clock: ManualClock, maxPerSecond = 1000): Promise<void> {
    loop = new DueLoop(ds, clock, { rules: TEST_RULES, batchSize: 25, maxPerSecond, maxSleepMs: 30_000, logger: quietLogger });
    return loop.start();
  }

  it('after an hour stopped, requests every missed rotation once, oldest first', async () => {
    // One rotation fell due each minute of the hour the scheduler was down (seeded out of
    // order); three are due later.
    const missed = Array.from({ length: 60 }, (_, i) => scheduledRow(`missed-${String(i).padStart(2, '0')}`, new Date(STOPPED_AT.getTime() + i * MIN)));
    const later = [1, 2, 3].map((i) => scheduledRow(`later-${i}`, new Date(STOPPED_AT.getTime() + (60 + i * 10) * MIN)));
    await seed(ds, [...missed.filter((_, i) => i % 2 === 1), ...later, ...missed.filter((_, i) => i % 2 === 0)]);

    const clock = new ManualClock(new Date(STOPPED_AT.getTime() + 60 * MIN));
    await startLoop(clock);
    await waitFor(async () => (await outbox(ds)).length >= 60, { message: '60 RotationDue in the outbox' });

    // Give it every chance to fire twice: more wake-ups, time moving on within the lease.
    for (let i = 0; i < 3; i++) {
      clock.advance(MIN);
      loop?.wake();
      await new Promise((r) => setTimeout(r, 100));
    }
    const emitted = await outbox(ds);
    expect(emitted.map((e) => e.key)).toEqual(missed.map((s) => s.rotationId));
    expect(emitted.every((e) => e.type === 'RotationDue' && e.payload['reason'] === 'scheduled' && e.payload['attempt'] === 1)).toBe(true);
    expect(emitted.map((e) => e.payload['dueAt'])).toEqual(missed.map((s) => s.nextDueAt?.toISOString()));
    expect((await ScheduleRepository.find(ds.manager, 'later-1'))?.status).toBe('scheduled');
  });

  it('fires a later due time when the clock reaches it, once woken', async () => {
    const clock = new ManualClock(STOPPED_AT);
    await seed(ds, [scheduledRow('soon', new Date(STOPPED_AT.getTime() + 10 * MIN))]);
    await startLoop(clock);
    await new Promise((r) => setTimeout(r, 100));
    expect(await outbox(ds)).toHaveLength(0);
    clock.advance(10 * MIN);
    loop?.wake();
    await waitFor(async () => (await outbox(ds)).length === 1, { message: 'the due rotation' });
  });

  it('declares a rotation whose lease ran out timed out, on the executor topic', async () => {
    const clock = new ManualClock(STOPPED_AT);
    const leased = scheduledRow('stuck', STOPPED_AT, {
      status: 'in_flight', inFlightJobId: 'job-7', generation: 7, attempt: 1, dueAt: STOPPED_AT,
      leaseExpiresAt: new Date(STOPPED_AT.getTime() + 5 * MIN),
    });
    await seed(ds, [leased]);
    await startLoop(clock);
    clock.advance(5 * MIN);
    loop?.wake();
    const [failed] = await waitFor(async () => {
      const rows = await outbox(ds);
      return rows.length === 1 ? rows : null;
    }, { message: 'RotationTimedOut for the expired lease' });
    // The executor's topic: the secret store reads it in one order with the job's CredentialsRotated.
    expect(failed).toMatchObject({ topic: 'rotor.executor.events.v1', type: 'RotationTimedOut', key: 'stuck' });
    expect(failed.payload).toMatchObject({ jobId: 'job-7', generation: 7 });
    expect(failed.payload['message']).toMatch(/^timeout: /);
    expect(await ScheduleRepository.find(ds.manager, 'stuck')).toMatchObject({
      status: 'timed_out', leaseExpiresAt: new Date(STOPPED_AT.getTime() + 10 * MIN),
    });
  });

  it('looks again for a committed change that fires sooner than it wakes, and only for one', async () => {
    const clock = new ManualClock(STOPPED_AT);
    await startLoop(clock); // nothing planned: it sleeps maxSleepMs (30 s)
    await new Promise((r) => setTimeout(r, 200));
    const looks = jest.spyOn(ScheduleRepository, 'nextFireAt');
    try {
      await seed(ds, [scheduledRow('later', new Date(STOPPED_AT.getTime() + 10 * MIN))]);
      await new Promise((r) => setTimeout(r, 500));
      expect(looks).not.toHaveBeenCalled();
      await seed(ds, [scheduledRow('sooner', new Date(STOPPED_AT.getTime() + 10_000))]);
      await waitFor(async () => looks.mock.calls.length > 0, { timeoutMs: 5_000, message: 'a look for the sooner row' });
    } finally {
      looks.mockRestore();
    }
  });

  it('works a backlog off at the configured rate', async () => {
    const clock = new ManualClock(STOPPED_AT);
    await seed(ds, Array.from({ length: 150 }, (_, i) => scheduledRow(`backlog-${i}`, new Date(STOPPED_AT.getTime() - i * 1000))));
    const started = performance.now();
    await startLoop(clock, 100);
    await waitFor(async () => (await outbox(ds)).length === 150, { message: '150 RotationDue' });
    // 100 at once (one second's worth), the next 50 at 100 per second.
    expect(performance.now() - started).toBeGreaterThanOrEqual(450);
    expect(new Set((await outbox(ds)).map((e) => e.key)).size).toBe(150);
  });

  it('shares the rate between instances: two loops together fire at most the configured rate', async () => {
    const clock = new ManualClock(STOPPED_AT);
    await seed(ds, Array.from({ length: 60 }, (_, i) => scheduledRow(`shared-${i}`, new Date(STOPPED_AT.getTime() - i * 1000))));
    const second = await connect(url); // a second instance: its own connections, the same database
    const loops = [ds, second].map((source) => new DueLoop(source, clock, { rules: TEST_RULES, batchSize: 25, maxPerSecond: 10, maxSleepMs: 30_000, logger: quietLogger }));
    // Drain what earlier tests left in the bucket, so both loops start from a full second's worth.
    await ds.query(`UPDATE scheduler_rate_limit SET tokens = 0, refilled_at = '2000-01-01'`);
    const started = performance.now();
    try {
      await Promise.all(loops.map((l) => l.start()));
      await waitFor(async () => (await outbox(ds)).length === 60, { timeoutMs: 30_000, message: '60 RotationDue' });
    } finally {
      await Promise.all(loops.map((l) => l.stop()));
      await second.destroy();
    }
    // 10 at once (one second's worth), the other 50 at 10 per second for both loops together:
    // 5 s. Each loop pacing itself alone would have taken half that.
    console.log(`two loops fired ${loops.map((l) => l.fired()).join(' + ')} in ${Math.round(performance.now() - started)} ms`);
    expect(performance.now() - started).toBeGreaterThanOrEqual(4500);
    expect(loops[0].fired() + loops[1].fired()).toBe(60);
    expect(new Set((await outbox(ds)).map((e) => e.key)).size).toBe(60);
  }, 40_000);
});
