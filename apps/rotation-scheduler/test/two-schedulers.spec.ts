import { TOPICS } from '@rotor/contracts';
import { OutboxRelay, createKafka, ensureTopics } from '@rotor/messaging';
import { Collector, kafkaBrokers, startCollecting, topicOffsets, uniqueSuffix, waitFor } from '@rotor/testing';
import { ManualClock } from '@rotor/util';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { DueLoop } from '../src/due-loop/due-loop';
import { connect, scheduledRow, schedulerTestDatabase, seed } from './support/database';
import { TEST_RULES, quietLogger } from './support/rules';

const COUNT = 1000;
const NOW = new Date('2026-03-02T10:00:00.000Z');

/** Two scheduler instances: each its own connections, due loop and outbox relay, one database. */
describe('two scheduler instances on the real stack', () => {
  let kafka: Kafka;
  const sources: DataSource[] = [];
  const loops: DueLoop[] = [];
  const relays: OutboxRelay[] = [];
  let collector: Collector | undefined;

  beforeAll(async () => {
    kafka = createKafka({ clientId: 'rotor-test-scheduler', brokers: await kafkaBrokers(), logger: quietLogger });
    await ensureTopics(kafka);
  });

  afterAll(async () => {
    await collector?.stop();
    await Promise.all(loops.map((l) => l.stop()));
    await Promise.all(relays.map((r) => r.stop()));
    await Promise.all(sources.map((ds) => ds.destroy()));
  });

  it(`emit exactly ${COUNT} RotationDue for ${COUNT} rotations due at once`, async () => {
    const url = await schedulerTestDatabase('two_instances');
    const prefix = `two-${uniqueSuffix()}-`;
    const clock = new ManualClock(NOW);
    for (let i = 0; i < 2; i++) {
      const ds = await connect(url);
      sources.push(ds);
      relays.push(new OutboxRelay(ds, kafka, { batchSize: 500, logger: quietLogger }));
      loops.push(new DueLoop(ds, clock, { rules: TEST_RULES, batchSize: 50, maxPerSecond: 10_000, maxSleepMs: 30_000, logger: quietLogger }));
    }
    collector = await startCollecting(kafka, TOPICS.schedulerEvents, {
      since: await topicOffsets(kafka, TOPICS.schedulerEvents),
      filter: (m) => m.key?.startsWith(prefix) ?? false,
    });
    await Promise.all([...relays, ...loops].map((x) => x.start()));

    // All due at the same instant, written while both instances are running.
    await seed(sources[0], Array.from({ length: COUNT }, (_, i) => scheduledRow(`${prefix}${i}`, new Date(NOW.getTime() - 1000))));

    await collector.waitFor(COUNT, 30_000);
    // Anything duplicated would be right behind: let both instances and relays run on a while.
    await waitFor(async () => {
      const [{ n }]: { n: number }[] = await sources[0].query('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL');
      return n === 0;
    });
    await new Promise((r) => setTimeout(r, 1000));

    const events = collector.messages.map((m) => JSON.parse(m.value ?? '{}') as { type: string; payload: { rotationId: string; reason: string } });
    expect(events).toHaveLength(COUNT);
    expect(new Set(events.map((e) => e.payload.rotationId)).size).toBe(COUNT);
    expect(events.every((e) => e.type === 'RotationDue' && e.payload.reason === 'scheduled')).toBe(true);
    const [{ due }]: { due: number }[] = await sources[0].query(`SELECT count(*)::int AS due FROM schedules WHERE status = 'due'`);
    expect(due).toBe(COUNT);
    // Both instances did part of the work (so the test did race them).
    console.log(`instance fired: ${loops.map((l) => l.fired()).join(' + ')}`);
    expect(loops.map((l) => l.fired()).reduce((a, b) => a + b)).toBe(COUNT);
    expect(Math.min(...loops.map((l) => l.fired()))).toBeGreaterThan(0);
  }, 60_000);
});
