import { AnyEnvelope, Topic, dlqTopic, serializeEnvelope } from '@rotor/contracts';
import { EVENT_STORE_MIGRATIONS, createDataSource } from '@rotor/event-store';
import { kafkaBrokers, collectMessages, crashingDeliveries, testDatabaseUrl, withCrashingConsumers, topicOffsets, uniqueSuffix, waitFor } from '@rotor/testing';
import { Kafka, Partitioners, Producer } from 'kafkajs';
import { DataSource, EntityManager } from 'typeorm';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { ConsumerRunner, ConsumerRunnerOptions, DLQ_HEADERS, consumerLag, createKafka, ensureTopics } from '../src';
import { SEALED_PASSWORD, due, rotated } from './fixtures';

let kafka: Kafka;
let producer: Producer;
let ds: DataSource;
let logged: string[] = [];
const cleanup: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  kafka = createKafka({ clientId: 'rotor-test-consumer', brokers: await kafkaBrokers(), logLevel: 'error' });
  producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  ds = await database('consumer');
});

/** Keeps what the runner logs, to check that no credential reaches a log line. */
const keep = (message: string, ...fields: unknown[]) => void logged.push(`${message} ${JSON.stringify(fields)}`);
const logger = { log: keep, warn: keep, error: keep, debug: keep };

afterEach(async () => {
  logged = [];
  for (const undo of cleanup.splice(0).reverse()) await undo();
});

afterAll(async () => {
  await producer?.disconnect();
  await ds?.destroy();
});

/** A database with the event store tables and a table where handlers leave their side effects. */
async function database(name: string): Promise<DataSource> {
  const source = createDataSource({ url: await testDatabaseUrl(name, EVENT_STORE_MIGRATIONS) });
  await source.initialize();
  await source.query('CREATE TABLE side_effects (event_id uuid NOT NULL, note text NOT NULL)');
  return source;
}

/** A fresh single-partition topic (and its DLQ), so the order of messages is the order sent. */
async function freshTopic(): Promise<Topic> {
  const topic = `rotor.test.consumer.${uniqueSuffix()}` as Topic;
  await ensureTopics(kafka, [topic, dlqTopic(topic)], { numPartitions: 1 });
  return topic;
}

async function send(topic: string, ...values: (AnyEnvelope | string)[]): Promise<void> {
  await producer.send({
    topic,
    acks: -1,
    messages: values.map((v) => ({ key: 'k', value: typeof v === 'string' ? v : serializeEnvelope(v) })),
  });
}

async function runner(opts: Omit<ConsumerRunnerOptions, 'groupId'> & { groupId?: string }, source = ds): Promise<ConsumerRunner> {
  const r = new ConsumerRunner(source, kafka, { groupId: `rotor-test-${uniqueSuffix()}`, backoffMs: 10, logger, ...opts });
  cleanup.push(() => r.stop());
  await r.start();
  return r;
}

const record = (note: string) => async (event: AnyEnvelope, tx: EntityManager) => {
  await tx.query('INSERT INTO side_effects (event_id, note) VALUES ($1, $2)', [event.eventId, note]);
};

async function effects(eventId: string, source = ds): Promise<string[]> {
  const rows: { note: string }[] = await source.query('SELECT note FROM side_effects WHERE event_id = $1', [eventId]);
  return rows.map((r) => r.note);
}

async function committed(groupId: string, topic: string): Promise<string> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [{ partitions }] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return partitions[0].offset;
  } finally {
    await admin.disconnect();
  }
}

describe('ConsumerRunner', () => {
  it('applies a redelivered event (same eventId, published twice) once', async () => {
    const topic = await freshTopic();
    const twice = due('rot-1');
    const last = due('rot-1', 2);
    await send(topic, twice, twice, last);
    await runner({ topics: [topic], handlers: { RotationDue: record('applied') } });

    await waitFor(async () => (await effects(last.eventId)).length > 0, { message: 'the last event to be handled' });
    expect(await effects(twice.eventId)).toEqual(['applied']);
  });

  it('claims the event and runs the handler in one transaction: a failed attempt leaves nothing behind', async () => {
    const topic = await freshTopic();
    const event = due('rot-1');
    let calls = 0;
    await send(topic, event);
    await runner({
      topics: [topic],
      handlers: {
        RotationDue: async (e, tx) => {
          await record(`attempt ${++calls}`)(e, tx);
          if (calls === 1) throw new Error('transient failure after writing');
        },
      },
    });

    await waitFor(() => calls === 2, { message: 'the retry' });
    await waitFor(async () => (await effects(event.eventId)).length > 0);
    expect(await effects(event.eventId)).toEqual(['attempt 2']);
  });

  it('sends poison messages to <topic>.dlq with the reason, and moves on to the next message', async () => {
    const topic = await freshTopic();
    const failing = rotated('rot-1');
    const good = due('rot-1');
    let attempts = 0;
    await send(topic, '{not json', failing, good);
    const groupId = `rotor-test-${uniqueSuffix()}`;
    await runner({
      groupId,
      topics: [topic],
      maxAttempts: 3,
      handlers: {
        RotationDue: record('handled'),
        CredentialsRotated: async (e) => {
          attempts++;
          throw new Error(`cannot store password ${e.payload.password}`);
        },
      },
    });

    const dead = await collectMessages(kafka, dlqTopic(topic), 2);
    await waitFor(async () => (await effects(good.eventId)).length > 0, { message: 'the message after the poison ones' });

    expect(dead.map((m) => m.headers[DLQ_HEADERS.error])).toEqual([
      'message is not valid JSON',
      'Error: cannot store password [REDACTED]',
    ]);
    expect(dead.map((m) => [m.value, m.headers[DLQ_HEADERS.sourceOffset], m.headers[DLQ_HEADERS.attempts]])).toEqual([
      ['{not json', '0', '0'],
      [serializeEnvelope(failing), '1', '3'],
    ]);
    expect(dead[1].headers).toMatchObject({
      [DLQ_HEADERS.sourceTopic]: topic,
      [DLQ_HEADERS.sourcePartition]: '0',
      [DLQ_HEADERS.consumerGroup]: groupId,
    });
    expect(JSON.stringify(dead.map((m) => m.headers))).not.toContain(SEALED_PASSWORD);
    expect(logged.join('\n')).toContain('cannot store password [REDACTED]');
    expect(logged.join('\n')).not.toContain(SEALED_PASSWORD);
    expect(attempts).toBe(3);
    await waitFor(async () => (await committed(groupId, topic)) === '3', { message: 'offset 3 to be committed' });
  });

  it('dead-letters a failure that says it is permanent after one attempt, without backing off', async () => {
    const topic = await freshTopic();
    const failing = rotated('rot-1');
    const good = due('rot-1');
    let attempts = 0;
    await send(topic, failing, good);
    await runner({
      topics: [topic],
      maxAttempts: 5,
      backoffMs: 60_000, // a retry would hold the good message up for a minute
      handlers: {
        RotationDue: record('handled'),
        CredentialsRotated: async () => {
          attempts++;
          throw Object.assign(new Error('sealed for another key'), { retryable: false });
        },
      },
    });

    const [dead] = await collectMessages(kafka, dlqTopic(topic), 1);
    await waitFor(async () => (await effects(good.eventId)).length > 0, { message: 'the message after the permanent failure' });
    expect(dead.headers[DLQ_HEADERS.attempts]).toBe('1');
    expect(dead.headers[DLQ_HEADERS.error]).toBe('Error: sealed for another key');
    expect(attempts).toBe(1);
  });

  it('waits out a database outage instead of sending the message to the DLQ', async () => {
    const topic = await freshTopic();
    const groupId = `rotor-test-${uniqueSuffix()}`;
    const event = due('rot-outage');
    let calls = 0;
    await send(topic, event);
    await runner({
      groupId,
      topics: [topic],
      maxAttempts: 2,
      handlers: {
        RotationDue: async (e, tx) => {
          // What node-postgres raises while Postgres restarts, more often than maxAttempts.
          if (++calls <= 5) throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
          await record('applied after the outage')(e, tx);
        },
      },
    });

    await waitFor(async () => (await committed(groupId, topic)) === '1', { message: 'offset 1 to be committed', timeoutMs: 20_000 });
    expect(await effects(event.eventId)).toEqual(['applied after the outage']);
    expect(calls).toBe(6);
    expect(await topicOffsets(kafka, dlqTopic(topic))).toEqual({ 0: '0' });
    expect(logged.join('\n')).toContain('database unavailable; waiting for it');
  }, 30_000);

  it('commits offset + 1: a restarted member of the group does not see handled messages again', async () => {
    const topic = await freshTopic();
    const groupId = `rotor-test-${uniqueSuffix()}`;
    const first = [due('rot-1', 1), due('rot-1', 2), rotated('rot-1')]; // no handler for the last one
    await send(topic, ...first);
    const before = await runner({ groupId, topics: [topic], handlers: { RotationDue: record('first run') } });
    await waitFor(async () => (await committed(groupId, topic)) === '3', { message: 'offset 3 to be committed' });
    await before.stop();

    // The unhandled type was passed over without a claim.
    expect(await ds.query('SELECT count(*)::int AS n FROM inbox WHERE consumer = $1', [groupId])).toEqual([{ n: 2 }]);

    // A fresh database: no inbox to hide a redelivery; only Kafka's committed offset protects it.
    const elsewhere = await database('consumer_restart');
    cleanup.push(() => elsewhere.destroy());
    const seen: string[] = [];
    const next = due('rot-1', 3);
    const saw = async (e: AnyEnvelope) => void seen.push(e.eventId);
    await runner({ groupId, topics: [topic], handlers: { RotationDue: saw, CredentialsRotated: saw } }, elsewhere);
    await send(topic, next);

    await waitFor(() => seen.length > 0, { message: 'the new message' });
    await waitFor(async () => (await committed(groupId, topic)) === '4');
    expect(seen).toEqual([next.eventId]);
  }, 20_000);

  it('applies an event redelivered in a later batch (restarted, offsets rewound) once, through the inbox alone', async () => {
    const topic = await freshTopic();
    const groupId = `rotor-test-${uniqueSuffix()}`;
    const events = [due('rot-r', 1), due('rot-r', 2)];
    await send(topic, ...events);
    const first = await runner({ groupId, topics: [topic], handlers: { RotationDue: record('applied') } });
    await waitFor(async () => (await committed(groupId, topic)) === '2', { message: 'offset 2 to be committed' });
    await first.stop();

    // The group starts over from the beginning: both events arrive again, in a new fetch.
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '0' }] });
    } finally {
      await admin.disconnect();
    }
    const later = due('rot-r', 3);
    await send(topic, later);
    const seen: string[] = [];
    await runner({
      groupId,
      topics: [topic],
      maxBatchSize: 1, // one transaction per message: no in-batch dedupe can hide a redelivery
      handlers: {
        RotationDue: async (e, tx) => {
          seen.push(e.eventId);
          await record('applied')(e, tx);
        },
      },
    });

    await waitFor(async () => (await effects(later.eventId)).length > 0, { message: 'the event after the redelivered ones' });
    await waitFor(async () => (await committed(groupId, topic)) === '3', { message: 'offset 3 to be committed' });
    for (const e of events) expect(await effects(e.eventId)).toEqual(['applied']);
    expect(seen).toEqual([later.eventId]);
  }, 30_000);

  it('passes over events it has no handler for: no claim, no transaction, the offset still moves', async () => {
    const topic = await freshTopic();
    const groupId = `rotor-test-${uniqueSuffix()}`;
    const unhandled = [rotated('rot-u'), rotated('rot-u'), rotated('rot-u')];
    await send(topic, ...unhandled);
    const transactions = jest.spyOn(ds, 'transaction');
    cleanup.push(async () => transactions.mockRestore());
    await runner({ groupId, topics: [topic], maxBatchSize: 10, handlers: { RotationDue: record('applied') } });

    await waitFor(async () => (await committed(groupId, topic)) === '3', { message: 'offset 3 to be committed' });
    expect(transactions).not.toHaveBeenCalled();
    expect(await ds.query('SELECT count(*)::int AS n FROM inbox WHERE consumer = $1', [groupId])).toEqual([{ n: 0 }]);

    // Mixed with handled ones: only those are claimed and applied.
    const handled = due('rot-u', 1);
    await send(topic, rotated('rot-u'), handled, rotated('rot-u'));
    await waitFor(async () => (await committed(groupId, topic)) === '6', { message: 'offset 6 to be committed' });
    expect(await effects(handled.eventId)).toEqual(['applied']);
    expect(await ds.query('SELECT event_id FROM inbox WHERE consumer = $1', [groupId])).toEqual([{ event_id: handled.eventId }]);

    // It reads no payload of a type it does not handle, so it does not judge one either.
    const unread = JSON.stringify({ ...rotated('rot-u'), payload: { rotationId: 'rot-u' } });
    await send(topic, unread);
    await waitFor(async () => (await committed(groupId, topic)) === '7', { message: 'offset 7 to be committed' });
    expect(await topicOffsets(kafka, dlqTopic(topic))).toEqual({ 0: '0' });
  }, 20_000);

  it('commits offsets at most every commitIntervalMs, and what is still pending on stop', async () => {
    const topic = await freshTopic();
    const groupId = `rotor-test-${uniqueSuffix()}`;
    const [a, b] = [due('rot-c', 1), due('rot-c', 2)];
    await send(topic, a);
    const r = await runner({ groupId, topics: [topic], commitIntervalMs: 60_000, handlers: { RotationDue: record('applied') } });
    await waitFor(async () => (await committed(groupId, topic)) === '1', { message: 'the first commit' });

    await send(topic, b);
    await waitFor(async () => (await effects(b.eventId)).length > 0, { message: 'the second event' });
    expect(await committed(groupId, topic)).toBe('1'); // applied, its commit waits for the interval
    await r.stop();
    expect(await committed(groupId, topic)).toBe('2');
  }, 20_000);

  it('applies consecutive messages in one transaction; one failing mid-batch is retried alone, the rest once each, in order', async () => {
    const topic = await freshTopic();
    const groupId = `rotor-test-${uniqueSuffix()}`;
    const events = [due('rot-b', 1), due('rot-b', 2), due('rot-b', 3), due('rot-b', 4)];
    const calls: string[] = [];
    let failedOnce = false;
    await send(topic, ...events);
    await runner({
      groupId,
      topics: [topic],
      maxBatchSize: 10,
      handlers: {
        RotationDue: async (e, tx) => {
          calls.push(e.eventId);
          if (e.eventId === events[2].eventId && !failedOnce) {
            failedOnce = true;
            await record('rolled back')(e, tx);
            throw new Error('transient failure in the middle of a batch');
          }
          await record('applied')(e, tx);
        },
      },
    });

    await waitFor(async () => (await committed(groupId, topic)) === '4', { message: 'offset 4 to be committed' });
    for (const e of events) expect(await effects(e.eventId)).toEqual(['applied']);
    // Whatever the batches were, the failing event ran twice and the last application of each
    // event (the one that committed) kept the partition's order.
    expect(calls.filter((id) => id === events[2].eventId)).toHaveLength(2);
    const lastRun = events.map((e) => calls.lastIndexOf(e.eventId));
    expect([...lastRun].sort((a, b) => a - b)).toEqual(lastRun);
    expect(await ds.query('SELECT count(*)::int AS n FROM inbox WHERE consumer = $1', [groupId])).toEqual([{ n: 4 }]);
  });

  it('prepares each transaction once, with its claimed events, before their handlers and inside the transaction', async () => {
    const topic = await freshTopic();
    const groupId = `rotor-test-${uniqueSuffix()}`;
    const first = due('rot-p', 1);
    const events = [first, first, due('rot-p', 2), due('rot-p', 3)];
    const seen: string[] = [];
    const prepared: { ids: string[]; txid: string }[] = [];
    await send(topic, ...events);
    await runner({
      groupId,
      topics: [topic],
      maxBatchSize: 10,
      prepare: async (batch, tx) => {
        const [{ txid }] = await tx.query('SELECT txid_current()::text AS txid');
        prepared.push({ ids: batch.map((e) => e.eventId), txid });
        seen.push('prepare');
      },
      handlers: {
        RotationDue: async (e, tx) => {
          const [{ txid }] = await tx.query('SELECT txid_current()::text AS txid');
          seen.push(txid === prepared[prepared.length - 1].txid ? 'handler' : 'handler in another transaction');
          await record('applied')(e, tx);
        },
      },
    });

    await waitFor(async () => (await committed(groupId, topic)) === '4', { message: 'offset 4 to be committed' });
    // However the fetch split them, each event was prepared once (the duplicate not at all),
    // in order, and every handler ran after its transaction's prepare, inside it.
    expect(prepared.flatMap((p) => p.ids)).toEqual([first.eventId, events[2].eventId, events[3].eventId]);
    expect(seen.filter((s) => s !== 'prepare')).toEqual(['handler', 'handler', 'handler']);
    expect(seen[0]).toBe('prepare');
    for (const e of events) expect(await effects(e.eventId)).toEqual(['applied']);
  });

  it("reads ahead in the claim's own statement, for the events about to be claimed, and hands the rows to prepare", async () => {
    const topic = await freshTopic();
    const groupId = `rotor-test-${uniqueSuffix()}`;
    const first = due('rot-r', 1);
    const events = [first, due('rot-r', 2)];
    const statements: string[] = [];
    const original = PostgresQueryRunner.prototype.query;
    const spy = jest.spyOn(PostgresQueryRunner.prototype, 'query').mockImplementation(function (this: PostgresQueryRunner, ...args) {
      if (/INSERT INTO inbox|read_ahead_marker/.test(args[0])) statements.push(args[0]);
      return original.apply(this, args);
    });
    cleanup.push(async () => spy.mockRestore());
    const aheads: Record<string, unknown>[][] = [];
    const claimedSeen: string[][] = [];
    await send(topic, ...events);
    await runner({
      groupId,
      topics: [topic],
      maxBatchSize: 10,
      readAhead: (batch) =>
        `SELECT v.event, 'read_ahead_marker' AS marker FROM (VALUES ${batch.map((e) => `('${e.eventId}')`).join(', ')}) AS v(event)`,
      prepare: async (batch, _tx, ahead) => {
        claimedSeen.push(batch.map((e) => e.eventId));
        aheads.push(ahead);
      },
      handlers: { RotationDue: record('applied') },
    });
    await waitFor(async () => (await committed(groupId, topic)) === '2', { message: 'offset 2 to be committed' });
    // Each transaction's rows came with its claim: one statement for both, none of its own.
    expect(statements.length).toBe(aheads.length);
    for (const sql of statements) expect(sql).toMatch(/INSERT INTO inbox.*read_ahead_marker/s);
    expect(aheads.flat()).toEqual(events.map((e) => ({ event: e.eventId, marker: 'read_ahead_marker' })));
    expect(claimedSeen.flat()).toEqual(events.map((e) => e.eventId));

    // Delivered again (a later fetch): the read still runs with the claim, but nothing is claimed,
    // so neither prepare nor a handler sees it.
    await send(topic, first);
    await waitFor(async () => (await committed(groupId, topic)) === '3', { message: 'offset 3 to be committed' });
    expect(statements).toHaveLength(aheads.length + 1);
    expect(claimedSeen.flat()).toEqual(events.map((e) => e.eventId));
    expect(await effects(first.eventId)).toEqual(['applied']);
  });

  describe('chunks of several partitions from one fetch', () => {
    const PARTITIONS = 3;

    /** A topic with three partitions, one event already waiting in each before the runner starts. */
    async function threePartitions(): Promise<{ topic: Topic; events: AnyEnvelope[] }> {
      const topic = `rotor.test.consumer.${uniqueSuffix()}` as Topic;
      await ensureTopics(kafka, [topic, dlqTopic(topic)], { numPartitions: PARTITIONS });
      const events = Array.from({ length: PARTITIONS }, (_, p) => due(`rot-p${p}`));
      await producer.send({
        topic,
        acks: -1,
        messages: events.map((e, partition) => ({ key: e.aggregateId, partition, value: serializeEnvelope(e) })),
      });
      return { topic, events };
    }

    /** Records the transaction each event was applied in. */
    const inTransaction = async (event: AnyEnvelope, tx: EntityManager) => {
      await tx.query("INSERT INTO side_effects (event_id, note) VALUES ($1, 'tx ' || txid_current())", [event.eventId]);
    };

    async function transactionsOf(events: AnyEnvelope[]): Promise<Set<string>> {
      const notes = await Promise.all(events.map((e) => effects(e.eventId)));
      for (const n of notes) expect(n).toHaveLength(1);
      return new Set(notes.flat());
    }

    it('share one transaction (one claim, one commit) for all of them', async () => {
      const { topic, events } = await threePartitions();
      const groupId = `rotor-test-${uniqueSuffix()}`;
      await runner({ groupId, topics: [topic], handlers: { RotationDue: inTransaction } });

      await waitFor(async () => (await Promise.all(events.map((e) => effects(e.eventId)))).every((n) => n.length > 0), {
        message: 'every partition\'s event',
      });
      expect((await transactionsOf(events)).size).toBe(1);
    });

    it('each keep a transaction of their own with sharePartitions off', async () => {
      const { topic, events } = await threePartitions();
      await runner({ topics: [topic], sharePartitions: false, handlers: { RotationDue: inTransaction } });

      await waitFor(async () => (await Promise.all(events.map((e) => effects(e.eventId)))).every((n) => n.length > 0), {
        message: 'every partition\'s event',
      });
      expect((await transactionsOf(events)).size).toBe(PARTITIONS);
    });

    it('go on alone when one of them fails: the others applied once, the failing one retried, then dead-lettered once', async () => {
      const { topic, events } = await threePartitions();
      const groupId = `rotor-test-${uniqueSuffix()}`;
      const [transient, permanent] = [events[0], events[1]];
      const calls = new Map<string, number>();
      await runner({
        groupId,
        topics: [topic],
        maxAttempts: 5,
        handlers: {
          RotationDue: async (e, tx) => {
            const n = (calls.get(e.eventId) ?? 0) + 1;
            calls.set(e.eventId, n);
            await record(`attempt ${n}`)(e, tx);
            if (e.eventId === transient.eventId && n === 1) throw new Error('transient failure in a shared transaction');
            if (e.eventId === permanent.eventId) throw Object.assign(new Error('sealed for another key'), { retryable: false });
          },
        },
      });

      const [dead] = await collectMessages(kafka, dlqTopic(topic), 1);
      await waitFor(async () => (await effects(transient.eventId)).length > 0, { message: 'the transient failure\'s retry' });
      await waitFor(async () => (await effects(events[2].eventId)).length > 0, { message: 'the event that never failed' });
      expect(await effects(transient.eventId)).toEqual(['attempt 2']);
      expect(await effects(permanent.eventId)).toEqual([]);
      expect((await effects(events[2].eventId)).length).toBe(1);
      // The permanent failure's attempt in the shared transaction counted: it never ran again.
      expect(calls.get(permanent.eventId)).toBe(1);
      expect(dead.headers[DLQ_HEADERS.attempts]).toBe('1');
      expect(dead.headers[DLQ_HEADERS.error]).toBe('Error: sealed for another key');
    });
  });

  it('lets the message in flight finish and commit when stopped', async () => {
    const topic = await freshTopic();
    const groupId = `rotor-test-${uniqueSuffix()}`;
    const event = due('rot-1');
    let started = false;
    await send(topic, event);
    const r = await runner({
      groupId,
      topics: [topic],
      handlers: {
        RotationDue: async (e, tx) => {
          started = true;
          await new Promise((resolve) => setTimeout(resolve, 500));
          await record('slow')(e, tx);
        },
      },
    });
    await waitFor(() => started, { message: 'the handler to start' });
    await r.stop();

    expect(await effects(event.eventId)).toEqual(['slow']);
    expect(await committed(groupId, topic)).toBe('1');
  });

  describe('a crash kafkajs does not restart from', () => {
    /** The cluster client, except that its consumers' first `crashes` batches crash them for good. */
    const crashingKafka = (crashes: number) => withCrashingConsumers(kafka, { left: crashes });

    it('starts a new consumer, unready until it runs, and the events are applied', async () => {
      const topic = await freshTopic();
      const event = due('rot-1');
      const crashing = crashingKafka(1);
      await send(topic, event);
      const r = new ConsumerRunner(ds, crashing.kafka, { groupId: `rotor-test-${uniqueSuffix()}`, topics: [topic], handlers: { RotationDue: record('applied') }, logger });
      cleanup.push(() => r.stop());
      await r.start();

      await waitFor(() => !r.isConsuming(), { message: 'the crash' });
      await waitFor(async () => (await effects(event.eventId)).length > 0, { message: 'the event, by a new consumer' });
      expect(await effects(event.eventId)).toEqual(['applied']);
      expect(r.isConsuming()).toBe(true);
      expect(crashing.consumers()).toBe(2);
      expect(logged.some((line) => line.includes('kafkajs will not restart it') && line.includes('group coordinator was not found'))).toBe(true);

      const later = due('rot-1', 2);
      await send(topic, later);
      await waitFor(async () => (await effects(later.eventId)).length > 0, { message: 'a later event' });
    });

    it('starts again when the new consumer crashes too, before it joins the group', async () => {
      const topic = await freshTopic();
      const event = due('rot-1');
      await send(topic, event);
      // The first consumer crashes on its first batch; the second asks for a session timeout the
      // broker refuses (below group.min.session.timeout.ms), a join error kafkajs does not retry.
      let made = 0;
      const left = { left: 1 };
      const crashing = Object.create(kafka) as Kafka;
      crashing.consumer = (config) => {
        made++;
        return made === 2 ? kafka.consumer({ ...config, sessionTimeout: 1_000, heartbeatInterval: 300 }) : crashingDeliveries(kafka.consumer(config), left);
      };
      const r = new ConsumerRunner(ds, crashing, { groupId: `rotor-test-${uniqueSuffix()}`, topics: [topic], handlers: { RotationDue: record('applied') }, logger });
      cleanup.push(() => r.stop());
      await r.start();

      await waitFor(async () => (await effects(event.eventId)).length > 0, { timeoutMs: 20_000, message: 'the event, by a third consumer' });
      expect(made).toBe(3);
      expect(r.isConsuming()).toBe(true);
      expect(logged.filter((line) => line.includes('kafkajs will not restart it'))).toHaveLength(2);
      expect(logged.some((line) => line.includes('session timeout is not within the range'))).toBe(true);
      expect(logged.filter((line) => line.startsWith('the Kafka consumer runs again'))).toHaveLength(1);
    });

    it('tries again, waiting longer, until stop() ends it', async () => {
      const topic = await freshTopic();
      const crashing = crashingKafka(Infinity);
      await send(topic, due('rot-1'));
      const r = new ConsumerRunner(ds, crashing.kafka, { groupId: `rotor-test-${uniqueSuffix()}`, topics: [topic], handlers: { RotationDue: record('applied') }, logger });
      cleanup.push(() => r.stop());
      await r.start();

      await waitFor(() => crashing.consumers() >= 2, { message: 'a second consumer after the first crash' });
      const stopping = Date.now();
      await r.stop();
      expect(Date.now() - stopping).toBeLessThan(5_000);
      expect(r.isConsuming()).toBe(false);
      const made = crashing.consumers();
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(crashing.consumers()).toBe(made);
    });
  });
});

describe('metrics', () => {
  it('reports each group\'s lag per partition once it has handled a batch', async () => {
    const topic = await freshTopic();
    const groupId = `rotor-test-lag-${uniqueSuffix()}`;
    const events = [due('r-lag', 1), due('r-lag', 2)];
    await send(topic, ...events);
    await runner({ groupId, topics: [topic], handlers: { RotationDue: record('seen') } });
    await waitFor(async () => (await effects(events[1].eventId)).length === 1, { timeoutMs: 20_000 });
    const lag = await waitFor(
      async () => (await consumerLag.get()).values.find((v) => v.labels['group'] === groupId && v.labels['topic'] === topic),
      { timeoutMs: 10_000, message: 'a lag sample for the group' },
    );
    expect(lag.labels['partition']).toBe('0');
    expect(lag.value).toBe(0);
  });

  it("prunes its group's inbox claims past their retention, and nobody else's", async () => {
    const topic = await freshTopic();
    const groupId = `rotor-test-prune-${uniqueSuffix()}`;
    const event = due('r-prune');
    const othersClaim = due('r-prune', 2).eventId;
    await ds.query('INSERT INTO inbox (consumer, event_id, processed_at) VALUES ($1, $2, now() - interval \'1 hour\')', [
      `${groupId}-other`,
      othersClaim,
    ]);
    const claims = async (consumer: string) =>
      (await ds.query('SELECT count(*)::int AS n FROM inbox WHERE consumer = $1', [consumer]))[0].n as number;
    await send(topic, event);
    await runner({ groupId, topics: [topic], handlers: { RotationDue: record('seen') }, inboxRetentionMs: 0, pruneIntervalMs: 100 });

    await waitFor(async () => (await effects(event.eventId)).length === 1, { message: 'the event to be handled' });
    await waitFor(async () => (await claims(groupId)) === 0, { message: 'the claim to be pruned' });
    expect(await claims(`${groupId}-other`)).toBe(1);
    expect(await effects(event.eventId)).toEqual(['seen']);
  });
});
