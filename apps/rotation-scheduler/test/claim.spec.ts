import { DataSource } from 'typeorm';
import { ScheduleRepository } from '../src/schedule/schedule.repository';
import { connect, scheduledRow, schedulerTestDatabase, seed } from './support/database';

const NOW = new Date('2026-03-02T12:00:00.000Z');
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);

describe('claiming due schedules (real Postgres)', () => {
  let ds: DataSource;

  beforeAll(async () => {
    ds = await connect(await schedulerTestDatabase('claim'));
  });
  afterAll(() => ds?.destroy());
  beforeEach(() => ds.query('TRUNCATE schedules'));

  it('claims only what is due, oldest first', async () => {
    await seed(ds, [
      scheduledRow('c', minutes(-5)),
      scheduledRow('future', minutes(1)),
      scheduledRow('a', minutes(-60)),
      scheduledRow('paused', minutes(-90), { enabled: false, status: 'paused' }),
      scheduledRow('b', minutes(-30)),
      scheduledRow('retry', minutes(-120), { retryAt: minutes(-10), status: 'retrying' }),
      scheduledRow('leased', minutes(-120), { leaseExpiresAt: minutes(2), status: 'in_flight', inFlightJobId: 'j' }),
    ]);
    const claimed = await ds.transaction((tx) => ScheduleRepository.claimDue(tx, NOW, 10));
    expect(claimed.map((s) => s.rotationId)).toEqual(['a', 'b', 'retry', 'c']);
    expect(await ScheduleRepository.nextFireAt(ds.manager)).toEqual(minutes(-60));
  });

  it('never hands the same row to two claiming transactions at once (SKIP LOCKED)', async () => {
    await seed(ds, Array.from({ length: 10 }, (_, i) => scheduledRow(`r${i}`, minutes(-10 + i))));
    const first = ds.createQueryRunner();
    await first.connect();
    await first.startTransaction();
    try {
      const a = await ScheduleRepository.claimDue(first.manager, NOW, 4);
      const b = await ds.transaction((tx) => ScheduleRepository.claimDue(tx, NOW, 100));
      expect(a.map((s) => s.rotationId)).toEqual(['r0', 'r1', 'r2', 'r3']);
      expect(b.map((s) => s.rotationId)).toEqual(['r4', 'r5', 'r6', 'r7', 'r8', 'r9']);
    } finally {
      await first.rollbackTransaction();
      await first.release();
    }
  });

  it('derives the fire time from lease, retry and due time in the database itself', async () => {
    await seed(ds, [
      scheduledRow('leased', minutes(-1), { leaseExpiresAt: minutes(5), retryAt: minutes(1), status: 'in_flight' }),
      scheduledRow('leased-paused', minutes(-1), { enabled: false, leaseExpiresAt: minutes(6), status: 'in_flight' }),
      scheduledRow('retrying', minutes(-1), { retryAt: minutes(2), status: 'retrying' }),
      scheduledRow('paused', minutes(-1), { enabled: false, status: 'paused' }),
      scheduledRow('idle', minutes(0), { nextDueAt: null, status: 'idle' }),
    ]);
    const rows: { rotation_id: string; fire_at: Date | null }[] = await ds.query('SELECT rotation_id, fire_at FROM schedules ORDER BY rotation_id');
    expect(Object.fromEntries(rows.map((r) => [r.rotation_id, r.fire_at]))).toEqual({
      idle: null,
      leased: minutes(5),
      'leased-paused': minutes(6),
      paused: null,
      retrying: minutes(2),
    });
  });

  it('answers the due query from the partial index on a large table', async () => {
    await ds.query(`
      INSERT INTO schedules (rotation_id, project_id, enabled, interval_days, rotate_at_utc, next_due_at, status)
      SELECT 'bulk-' || g, 'p', true, 1, '10:00', $1::timestamptz + g * interval '1 second', 'scheduled'
      FROM generate_series(1, 50000) AS g`, [NOW.toISOString()]);
    await ds.query('ANALYZE schedules');
    const [{ 'QUERY PLAN': plan }]: { 'QUERY PLAN': unknown }[] = await ds.query(
      `EXPLAIN (FORMAT JSON) SELECT rotation_id FROM schedules WHERE fire_at <= $1
       ORDER BY fire_at, rotation_id LIMIT 100 FOR UPDATE SKIP LOCKED`,
      [minutes(30).toISOString()],
    );
    expect(JSON.stringify(plan)).toContain('"Index Name":"schedules_fire_at_idx"');
    expect(JSON.stringify(plan)).not.toContain('Seq Scan');
  });
});
