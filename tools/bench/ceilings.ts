/**
 * What the raw parts do on this machine, measured in the same run as Rotor, so Rotor's
 * figures can be read as a fraction of what its parts allow:
 *
 * - Redis: `ACL SETUSER <user> reset on >pw ~* +@all` on an admin connection, then a fresh
 *   connection that AUTHs as that user and PINGs (Rotor's own set + verify, without discovery
 *   or persistence), from several workers at once;
 * - Kafka: a produce (acks = all) → consume round trip, one message at a time (latency), and
 *   a stream of ~1 KB messages produced in batches and consumed (throughput);
 * - Postgres: BEGIN; INSERT one row; COMMIT, from several clients at once.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { LatencySummary, round, summarize } from './stats';

export interface RedisCeiling {
  opsPerSecond: number;
  latencyMs: LatencySummary;
  workers: number;
  seconds: number;
}

export interface KafkaCeiling {
  roundTripMs: LatencySummary;
  messagesPerSecond: number;
  messageBytes: number;
  messages: number;
}

export interface PostgresCeiling {
  transactionsPerSecond: number;
  latencyMs: LatencySummary;
  clients: number;
  seconds: number;
}

export interface RedisAdmin {
  host: string;
  port: number;
  username: string;
  password: string;
}

export async function redisCeiling(target: RedisAdmin, opts: { seconds: number; workers: number }): Promise<RedisCeiling> {
  const latencies: number[] = [];
  const users = new Set<string>();
  const deadline = performance.now() + opts.seconds * 1000;
  const started = performance.now();
  const worker = async (w: number) => {
    const admin = new Redis({ host: target.host, port: target.port, username: target.username, password: target.password, maxRetriesPerRequest: 1 });
    try {
      for (let i = 0; performance.now() < deadline; i++) {
        const user = `bench_ceiling_${w}_${i % 8}`;
        users.add(user);
        const password = randomBytes(24).toString('base64url');
        const t0 = performance.now();
        await admin.call('ACL', 'SETUSER', user, 'reset', 'on', `>${password}`, '~*', '+@all');
        const fresh = new Redis({
          host: target.host, port: target.port, lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0, retryStrategy: () => null,
        });
        fresh.on('error', () => undefined);
        try {
          await fresh.connect();
          await fresh.auth(user, password);
          if ((await fresh.ping()) !== 'PONG') throw new Error('PING did not answer PONG');
        } finally {
          fresh.disconnect();
        }
        latencies.push(performance.now() - t0);
      }
    } finally {
      admin.disconnect();
    }
  };
  await Promise.all(Array.from({ length: opts.workers }, (_, w) => worker(w)));
  const seconds = (performance.now() - started) / 1000;
  const admin = new Redis({ host: target.host, port: target.port, username: target.username, password: target.password });
  try {
    for (const u of users) await admin.call('ACL', 'DELUSER', u);
  } finally {
    admin.disconnect();
  }
  return { opsPerSecond: round(latencies.length / seconds, 1), latencyMs: summarize(latencies), workers: opts.workers, seconds: round(seconds) };
}

export async function kafkaCeiling(broker: string, opts: { roundTrips: number; messages: number; messageBytes: number }): Promise<KafkaCeiling> {
  const kafka = new Kafka({ clientId: 'rotor-bench-ceiling', brokers: broker.split(','), logLevel: logLevel.NOTHING });
  const topic = `bench.ceiling.${randomBytes(4).toString('hex')}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 6 }], waitForLeaders: true });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  const consumer = kafka.consumer({ groupId: `${topic}.group`, maxWaitTimeInMs: 100 });
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });

  let onMessage: (key: string) => void = () => undefined;
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) onMessage(m.key?.toString() ?? '');
    },
  });
  await joined;

  try {
    // Latency: one message at a time, send → receive.
    const roundTrips: number[] = [];
    for (let i = 0; i < opts.roundTrips; i++) {
      const key = `rt-${i}`;
      const received = new Promise<void>((resolve) => {
        onMessage = (k) => {
          if (k === key) resolve();
        };
      });
      const t0 = performance.now();
      await producer.send({ topic, acks: -1, messages: [{ key, value: 'x'.repeat(opts.messageBytes) }] });
      await received;
      roundTrips.push(performance.now() - t0);
    }

    // Throughput: batches of 100 with 4 requests in flight, until every message came back.
    let seen = 0;
    const all = new Promise<void>((resolve) => {
      onMessage = (k) => {
        if (k.startsWith('tp-') && ++seen === opts.messages) resolve();
      };
    });
    const value = 'y'.repeat(opts.messageBytes);
    const batches = Math.ceil(opts.messages / 100);
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < batches) {
          const b = next++;
          const n = Math.min(100, opts.messages - b * 100);
          await producer.send({ topic, acks: -1, messages: Array.from({ length: n }, (_, i) => ({ key: `tp-${b}-${i}`, value })) });
        }
      }),
    );
    await all;
    const seconds = (performance.now() - t0) / 1000;
    return {
      roundTripMs: summarize(roundTrips),
      messagesPerSecond: round(opts.messages / seconds, 1),
      messageBytes: opts.messageBytes,
      messages: opts.messages,
    };
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
}

export async function postgresCeiling(serverUrl: string, database: string, opts: { seconds: number; clients: number }): Promise<PostgresCeiling> {
  await recreateDatabase(serverUrl, database);
  const setup = new Client({ connectionString: `${serverUrl}/${database}` });
  await setup.connect();
  await setup.query('CREATE TABLE ceiling (id bigserial PRIMARY KEY, payload jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())');
  await setup.end();

  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + opts.seconds * 1000;
  const payload = JSON.stringify({ value: 'z'.repeat(512) });
  await Promise.all(
    Array.from({ length: opts.clients }, async () => {
      const c = new Client({ connectionString: `${serverUrl}/${database}` });
      await c.connect();
      try {
        while (performance.now() < deadline) {
          const t0 = performance.now();
          await c.query('BEGIN');
          await c.query('INSERT INTO ceiling (payload) VALUES ($1::jsonb)', [payload]);
          await c.query('COMMIT');
          latencies.push(performance.now() - t0);
        }
      } finally {
        await c.end();
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await dropDatabase(serverUrl, database);
  return { transactionsPerSecond: round(latencies.length / seconds, 1), latencyMs: summarize(latencies), clients: opts.clients, seconds: round(seconds) };
}

/** Drops `database` on the server at `serverUrl` (a URL without a database) if it exists, and creates it empty. */
export async function recreateDatabase(serverUrl: string, database: string): Promise<void> {
  await onServer(serverUrl, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${database}`);
  });
}

/** Drops `database` if it exists; a failure (the server gone, say) is ignored: it only cleans up. */
export async function dropDatabase(serverUrl: string, database: string): Promise<void> {
  await onServer(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)).catch(() => undefined);
}

async function onServer<T>(serverUrl: string, work: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: `${serverUrl}/postgres` });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}
