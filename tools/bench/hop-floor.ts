/**
 * The floor of one hop of Rotor's event path, measured with Rotor's own messaging and nothing
 * else: a consumer group (ConsumerRunner) applies an event in a transaction that claims it in
 * the inbox and writes the next event to the outbox, and the relay (OutboxRelay) publishes
 * that one to Kafka, where the group picks it up again. No domain logic, no HTTP, no Redis.
 *
 * Many chains run at once, so the runner's chunks share transactions and the relay's batches
 * fill, as under a burst: the cheapest a hop gets. A rotation cannot cost less than its handled
 * deliveries times this (each of them is at least one such hop), which is what the bench
 * compares with the CPU goal.
 *
 * Paced (`chainsPerSecond`), the chains start one after another at that rate, each with its
 * own first event, so most hops travel alone as a service's events do at a fixed rate of
 * rotations: what a hop costs then, and how long it takes (from one handler to the next).
 */
import { randomBytes } from 'node:crypto';
import { Envelope, Topic } from '@rotor/contracts';
import { OUTBOX_CHANNEL, createDataSource } from '@rotor/event-store';
import { ConsumerRunner, OutboxRelay, createKafka, ensureTopics } from '@rotor/messaging';
import { sampleRotationDue } from '@rotor/testing';
import { EntityManager } from 'typeorm';
import { dropDatabase, recreateDatabase } from './ceilings';
import { Sampler } from './proc-stats';
import { LatencySummary, round, sleep, summarize } from './stats';

export interface HopFloor {
  chains: number;
  hopsPerChain: number;
  hops: number;
  seconds: number;
  hopsPerSecond: number;
  /** CPU per hop, by process group (this process runs the consumer and the relay). */
  cpuMsPerHop: { node: number; postgres: number; kafka: number; total: number };
  /** Paced runs: chains started a second. */
  chainsPerSecond?: number;
  /** Paced runs: from the handler (or, for a chain's first hop, the enqueue) before to the hop's handler. */
  hopLatencyMs?: LatencySummary;
}

export interface HopFloorOptions {
  /** Postgres server URL without a database, e.g. postgres://postgres@127.0.0.1:5432 */
  serverUrl: string;
  /** Dropped and created for the measurement, then dropped. */
  database: string;
  broker: string;
  chains: number;
  hopsPerChain: number;
  /** Samples this process, the database's backends and the broker. */
  sampler: Sampler;
  /** Start the chains one after another at this rate (each its own transaction), not all at once. */
  chainsPerSecond?: number;
  timeoutMs?: number;
}

const SCAN_MS = 1100;

export async function hopFloor(o: HopFloorOptions): Promise<HopFloor> {
  await recreateDatabase(o.serverUrl, o.database);
  const ds = createDataSource({ url: `${o.serverUrl}/${o.database}`, migrationsRun: true });
  await ds.initialize();
  // A topic of its own, which no service reads, with a Rotor topic's partitions.
  const topic = `bench.hops.${randomBytes(4).toString('hex')}` as Topic;
  const kafka = createKafka({ clientId: 'rotor-bench-hops', brokers: o.broker.split(','), logLevel: 'error' });
  await ensureTopics(kafka, [topic]);

  const hops = o.chains * o.hopsPerChain;
  // A chain is through when its last hop ran; every hop has committed when the inbox holds them all.
  const finished = new Set<string>();
  // Paced: when each chain's last step happened (its enqueue, then each hop's handler).
  const lastStep = new Map<string, number>();
  const hopLatencies: number[] = [];
  let allFinished: () => void = () => undefined;
  const through = new Promise<void>((resolve) => (allFinished = resolve));
  const runner = new ConsumerRunner(ds, kafka, {
    groupId: `${topic}.group`,
    topics: [topic],
    handlers: {
      RotationDue: async (event: Envelope<'RotationDue'>, tx: EntityManager) => {
        const attempt = event.payload.attempt;
        const previous = lastStep.get(event.aggregateId);
        if (previous !== undefined) {
          const now = performance.now();
          hopLatencies.push(now - previous);
          lastStep.set(event.aggregateId, now);
        }
        if (attempt < o.hopsPerChain) return enqueue(tx, topic, sampleRotationDue(event.aggregateId, attempt + 1));
        finished.add(event.aggregateId);
        if (finished.size === o.chains) allFinished();
      },
    },
  });
  const relay = new OutboxRelay(ds, kafka, {});
  try {
    await runner.start();
    const first = (i: number) => sampleRotationDue(`hop-${i}`, 1);
    // Burst: every chain's first event in one statement, before the relay runs.
    if (!o.chainsPerSecond) await ds.transaction((tx) => enqueue(tx, topic, ...Array.from({ length: o.chains }, (_, i) => first(i))));
    // The sampler finds new processes (the pool's backends) once a second: let it see them.
    await sleep(SCAN_MS);
    const before = o.sampler.mark();
    const t0 = performance.now();
    await relay.start();
    if (o.chainsPerSecond) {
      for (let i = 0; i < o.chains; i++) {
        await sleep(Math.max(0, t0 + (i * 1000) / o.chainsPerSecond - performance.now()));
        lastStep.set(`hop-${i}`, performance.now());
        await ds.transaction((tx) => enqueue(tx, topic, first(i)));
      }
    }
    const timeoutMs = o.timeoutMs ?? 120_000;
    const deadline = Date.now() + timeoutMs;
    await Promise.race([through, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
    for (;;) {
      const [{ n }]: { n: number }[] = await ds.query('SELECT count(*)::int AS n FROM inbox');
      if (n === hops) break;
      if (Date.now() > deadline) throw new Error(`only ${n} of ${hops} hops applied within the time limit`);
      await sleep(50);
    }
    const seconds = (performance.now() - t0) / 1000;
    await sleep(SCAN_MS); // and the backends the pool opened meanwhile (their CPU counts from their start)
    const after = o.sampler.mark();
    const w = o.sampler.window(before, after);
    const ms = (group: string) => round(((w.groups[group]?.cpuSeconds ?? 0) * 1000) / hops, 3);
    const cpu = { node: ms('bench'), postgres: ms('postgres'), kafka: ms('kafka') };
    return {
      chains: o.chains,
      hopsPerChain: o.hopsPerChain,
      hops,
      seconds: round(seconds),
      hopsPerSecond: round(hops / seconds, 1),
      cpuMsPerHop: { ...cpu, total: round(cpu.node + cpu.postgres + cpu.kafka, 3) },
      ...(o.chainsPerSecond ? { chainsPerSecond: o.chainsPerSecond, hopLatencyMs: summarize(hopLatencies) } : {}),
    };
  } finally {
    await relay.stop();
    await runner.stop();
    await ds.destroy();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
    await dropDatabase(o.serverUrl, o.database);
  }
}

/** What Outbox.enqueue does (rows and NOTIFY in one statement), onto the measurement's own topic. */
async function enqueue(tx: EntityManager, topic: string, ...events: Envelope<'RotationDue'>[]): Promise<void> {
  const params: unknown[] = [];
  const rows = events.map((e) => {
    params.push(topic, e.aggregateId, JSON.stringify(e));
    return `($${params.length - 2}, $${params.length - 1}, $${params.length}::jsonb)`;
  });
  params.push(OUTBOX_CHANNEL);
  await tx.query(`WITH queued AS (INSERT INTO outbox (topic, key, envelope) VALUES ${rows.join(', ')}) SELECT pg_notify($${params.length}, '')`, params);
}
