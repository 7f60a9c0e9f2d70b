import { AnyEnvelope, Envelope, createEnvelope } from '@rotor/contracts';
import { ManualClock } from '@rotor/util';
import { DataSource, EntityManager } from 'typeorm';
import { prepareJobEvents, rotationEventHandlers } from '../src/inbound/rotation-event.handlers';
import { ScheduleRepository } from '../src/schedule/schedule.repository';
import { onCompleted, onRequested } from '../src/schedule/schedule-transitions';
import { Schedule, firesSooner } from '../src/schedule/schedule.types';
import { connect, scheduledRow, schedulerTestDatabase, seed } from './support/database';
import { completed, requested, updated } from './support/rotation-events';
import { TEST_RULES } from './support/rules';

const NOW = new Date('2026-03-02T12:00:00.000Z');
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);

/** Schedules in every combination the two transitions look at. */
function states(): Schedule[] {
  const out: Schedule[] = [];
  for (const generation of [1, 2, 3]) {
    for (const enabled of [true, false]) {
      for (const leaseExpiresAt of [null, minutes(5)]) {
        for (const retryAt of [null, minutes(1)]) {
          for (const nextDueAt of [null, minutes(24 * 60)]) {
            out.push(scheduledRow(`s-${out.length}`, nextDueAt as Date, {
              generation, enabled, leaseExpiresAt, retryAt, nextDueAt, inFlightJobId: leaseExpiresAt ? 'job-old' : null,
              attempt: 2, dueAt: minutes(-60), lastMessage: 'earlier failure', status: leaseExpiresAt ? 'in_flight' : retryAt ? 'retrying' : 'scheduled',
            }));
          }
        }
      }
    }
  }
  return out;
}

describe('the schedule transitions the consumer applies in SQL (real Postgres)', () => {
  let ds: DataSource;

  beforeAll(async () => {
    ds = await connect(await schedulerTestDatabase('transitions_sql'));
  });
  afterAll(() => ds?.destroy());
  beforeEach(() => ds.query('TRUNCATE schedules'));

  /**
   * Seeds every state, applies the SQL version to each (one transaction), and expects each row
   * and each wake-up to be what the function decides.
   */
  async function expectSame(
    inSql: (tx: EntityManager, rotationId: string) => Promise<{ changed: boolean; woke: boolean }>,
    inJs: (s: Schedule) => Schedule | null,
  ): Promise<void> {
    const befores = states();
    await ds.query('TRUNCATE schedules');
    await seed(ds, befores);
    const results = await ds.transaction(async (tx) => {
      const out = [];
      for (const before of befores) out.push(await inSql(tx, before.rotationId));
      return out;
    });
    for (const [i, before] of befores.entries()) {
      const next = inJs(before);
      const row = await ScheduleRepository.find(ds.manager, before.rotationId);
      expect({ id: before.rotationId, row, ...results[i] }).toEqual({
        id: before.rotationId, row: next ?? before, changed: next !== null, woke: next !== null && firesSooner(before, next),
      });
    }
  }

  it('onRequested: the same row and the same wake-up as the function, for every kind of schedule', async () => {
    for (const job of [{ dueAt: null, attempt: 1, reason: 'manual' as const }, { dueAt: minutes(-30).toISOString(), attempt: 3, reason: 'retry' as const }]) {
      const event = (id: string) => requested(id, { jobId: `job-${id}`, generation: 2, ...job });
      await expectSame(
        (tx, id) => ScheduleRepository.applyRequested(tx, event(id), new Date(NOW.getTime() + TEST_RULES.leaseMs)),
        (s) => onRequested(s, event(s.rotationId), NOW, TEST_RULES),
      );
    }
  });

  it('onCompleted: the same row and the same wake-up as the function, for every kind of schedule', async () => {
    for (const nextRotationAt of [null, minutes(2 * 24 * 60).toISOString(), minutes(1).toISOString()]) {
      const event = (id: string) => completed(id, { jobId: `job-${id}`, generation: 2, reason: 'scheduled' }, nextRotationAt);
      await expectSame((tx, id) => ScheduleRepository.applyCompleted(tx, event(id)), (s) => onCompleted(s, event(s.rotationId)));
    }
  });

  it('leaves an unknown rotation alone', async () => {
    const p = requested('unknown', { jobId: 'job-1', generation: 1, reason: 'manual' });
    expect(await ds.transaction((tx) => ScheduleRepository.applyRequested(tx, p, minutes(5)))).toEqual({ changed: false, woke: false });
    expect(await ScheduleRepository.find(ds.manager, 'unknown')).toBeNull();
  });

  it('costs the consumer one statement per RotationRequested and per RotationCompleted', async () => {
    await seed(ds, [scheduledRow('counted', minutes(60))]);
    const handlers = rotationEventHandlers(new ManualClock(NOW), TEST_RULES);
    const events: Envelope<'RotationRequested' | 'RotationCompleted'>[] = [
      createEnvelope('RotationRequested', 'counted', requested('counted', { jobId: 'job-2', generation: 2, reason: 'manual' })),
      createEnvelope('RotationCompleted', 'counted', completed('counted', { jobId: 'job-2', generation: 2, reason: 'manual' }, minutes(24 * 60).toISOString())),
    ];
    for (const event of events) {
      await ds.transaction(async (tx) => {
        const query = jest.spyOn(tx, 'query');
        await (handlers[event.type] as (e: typeof event, tx: EntityManager) => Promise<void>)(event, tx);
        expect(query).toHaveBeenCalledTimes(1);
      });
    }
    expect(await ScheduleRepository.find(ds.manager, 'counted')).toMatchObject({ generation: 2, status: 'scheduled', nextDueAt: minutes(24 * 60) });
  });
  it("applies a transaction's job events many rotations a statement, ending where the handlers one by one end", async () => {
    const clock = new ManualClock(NOW);
    const handlers = rotationEventHandlers(clock, TEST_RULES);
    const apply = (tx: EntityManager, e: AnyEnvelope) => (handlers[e.type] as (e: AnyEnvelope, tx: EntityManager) => Promise<void>)(e, tx);
    const job = (id: string, generation: number) => ({ jobId: `job-${id}-${generation}`, generation, reason: 'manual' as const });
    // a and b: requested, then completed; c: requested, then updated (not applied ahead).
    const eventsFor = (a: string, b: string, c: string): AnyEnvelope[] => [
      createEnvelope('RotationRequested', a, requested(a, job(a, 2))),
      createEnvelope('RotationRequested', b, requested(b, job(b, 2))),
      createEnvelope('RotationRequested', c, requested(c, job(c, 2))),
      createEnvelope('RotationCompleted', a, completed(a, job(a, 2), minutes(24 * 60).toISOString())),
      createEnvelope('RotationUpdated', c, updated(c, null, { isAutoRotationEnabled: false })),
      createEnvelope('RotationCompleted', b, completed(b, job(b, 2), null)),
    ];
    await seed(ds, ['a', 'b', 'c', 'a1', 'b1', 'c1'].map((id) => scheduledRow(id, minutes(60))));

    const prepared: string[] = [];
    await ds.transaction(async (tx) => {
      const query = tx.query.bind(tx);
      const counted = Object.assign(Object.create(tx) as EntityManager, { query: (sql: string, params?: unknown[]) => (prepared.push(sql), query(sql, params)) });
      const events = eventsFor('a', 'b', 'c');
      await prepareJobEvents(clock, TEST_RULES)(events, counted);
      expect(prepared).toHaveLength(2); // a's and b's requests, then their completions
      for (const e of events) await apply(counted, e);
    });
    // Then only c's two events cost statements: its request one, its update a lock and a save.
    expect(prepared).toHaveLength(5);
    await ds.transaction(async (tx) => {
      for (const e of eventsFor('a1', 'b1', 'c1')) await apply(tx, e);
    });

    for (const [ahead, oneByOne] of [['a', 'a1'], ['b', 'b1'], ['c', 'c1']]) {
      const row = await ScheduleRepository.find(ds.manager, ahead);
      const expected = await ScheduleRepository.find(ds.manager, oneByOne);
      const same = (r: Schedule | null) => ({ ...r, rotationId: null, inFlightJobId: r?.inFlightJobId ? 'a job' : null });
      expect({ ahead, row: same(row) }).toEqual({ ahead, row: same(expected) });
    }
    expect(await ScheduleRepository.find(ds.manager, 'a')).toMatchObject({ generation: 2, status: 'scheduled', inFlightJobId: null });
    expect(await ScheduleRepository.find(ds.manager, 'b')).toMatchObject({ generation: 2, status: 'idle' });
  });
});
