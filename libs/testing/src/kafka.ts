import { Consumer, Kafka, KafkaJSNonRetriableError, logLevel } from 'kafkajs';
import { uniqueSuffix } from './unique';
import { waitFor } from './wait-for';

let reachable: Promise<string[]> | undefined;

/**
 * The brokers tests run against: KAFKA_BROKERS (comma-separated) or 127.0.0.1:9092. Rejects
 * with a message that says how to start one when none answers; the check runs once per process.
 */
export function kafkaBrokers(): Promise<string[]> {
  reachable ??= probe((process.env['KAFKA_BROKERS'] || '127.0.0.1:9092').split(',').map((b) => b.trim()).filter(Boolean));
  return reachable;
}

async function probe(brokers: string[]): Promise<string[]> {
  const admin = new Kafka({
    clientId: 'rotor-test-probe', brokers, logLevel: logLevel.NOTHING, connectionTimeout: 2000, retry: { retries: 1 },
  }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    return brokers;
  } catch (e) {
    reachable = undefined;
    throw new Error(
      `No Kafka broker answers at ${brokers.join(', ')} (${(e as Error).message}). ` +
        'Start the local one with `bash tools/kafka/kafka.sh up`, or set KAFKA_BROKERS.',
    );
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** High-water mark per partition: where the next message on each partition will land. */
export type TopicOffsets = Record<number, string>;

export async function topicOffsets(kafka: Kafka, topic: string): Promise<TopicOffsets> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return Object.fromEntries(offsets.map((o) => [o.partition, o.high]));
  } finally {
    await admin.disconnect();
  }
}

export interface CollectedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

export interface CollectOptions {
  /** Read only what lands after this snapshot (from topicOffsets); default: from the beginning. */
  since?: TopicOffsets;
  /** Keep only the messages this test is about (topics shared with other tests). */
  filter?: (message: CollectedMessage) => boolean;
}

export interface Collector {
  /** Everything kept so far; per partition in offset order. */
  readonly messages: CollectedMessage[];
  /** Resolves once `until` holds for what was kept (a number = at least that many messages). */
  waitFor(until: number | ((messages: CollectedMessage[]) => boolean), timeoutMs?: number): Promise<CollectedMessage[]>;
  stop(): Promise<void>;
}

/** Starts reading `topic` with a throwaway consumer group; stop() it when done. */
export async function startCollecting(kafka: Kafka, topic: string, opts: CollectOptions = {}): Promise<Collector> {
  const messages: CollectedMessage[] = [];
  const consumer = kafka.consumer({ groupId: `rotor-test-collect-${uniqueSuffix()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const since = opts.since;
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      // Read from the beginning and skip what came before the snapshot, rather than seek():
      // on a fresh broker the group may still be joining, and kafkajs refuses a seek then.
      if (since && BigInt(message.offset) < BigInt(since[partition] ?? '0')) return;
      const collected: CollectedMessage = {
        topic,
        partition,
        offset: message.offset,
        key: message.key?.toString('utf8') ?? null,
        value: message.value?.toString('utf8') ?? null,
        headers: Object.fromEntries(
          Object.entries(message.headers ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.map(String).join(',') : (v?.toString('utf8') ?? '')]),
        ),
      };
      if (!opts.filter || opts.filter(collected)) messages.push(collected);
    },
  });

  return {
    messages,
    async waitFor(until, timeoutMs = 15_000) {
      const done = typeof until === 'number' ? (m: CollectedMessage[]) => m.length >= until : until;
      await waitFor(() => done(messages), {
        timeoutMs,
        message: `messages on ${topic} (${messages.length} collected so far)`,
      });
      return messages;
    },
    stop: () => consumer.disconnect(),
  };
}

/** Collects `count` messages from `topic` (see CollectOptions), then stops reading. */
export async function collectMessages(
  kafka: Kafka,
  topic: string,
  count: number,
  opts: CollectOptions & { timeoutMs?: number } = {},
): Promise<CollectedMessage[]> {
  const collector = await startCollecting(kafka, topic, opts);
  try {
    return [...(await collector.waitFor(count, opts.timeoutMs))];
  } finally {
    await collector.stop();
  }
}

/**
 * Makes a kafkajs consumer's deliveries (batches or messages, whichever its `run` handles) end
 * in an error kafkajs does not restart from, while `crashes.left` > 0 (one used per crash,
 * shared by every consumer given the same object): as when it cannot find the group
 * coordinator while a broker restarts. kafkajs's own crash path then disconnects the consumer
 * and leaves it so.
 */
export function crashingDeliveries(consumer: Consumer, crashes: { left: number }): Consumer {
  const run = consumer.run.bind(consumer);
  const crash = () => {
    if (crashes.left-- > 0) throw new KafkaJSNonRetriableError('injected: the group coordinator was not found');
  };
  consumer.run = (config) => {
    const { eachBatch, eachMessage } = config ?? {};
    return run({
      ...config,
      eachBatch: eachBatch && (async (payload) => {
        crash();
        await eachBatch(payload);
      }),
      eachMessage: eachMessage && (async (payload) => {
        crash();
        await eachMessage(payload);
      }),
    });
  };
  return consumer;
}

/**
 * The client `kafka`, except that every consumer it makes goes through crashingDeliveries with
 * `crashes`; counts the consumers made. `kafka` itself is left as it is.
 */
export function withCrashingConsumers(kafka: Kafka, crashes: { left: number }): { kafka: Kafka; consumers: () => number } {
  let made = 0;
  const crashing = Object.create(kafka) as Kafka;
  crashing.consumer = (config) => {
    made++;
    return crashingDeliveries(kafka.consumer(config), crashes);
  };
  return { kafka: crashing, consumers: () => made };
}

/**
 * Every Kafka client of this process, until restore(): its consumers go through
 * crashingDeliveries with `crashes`. For code that makes its own client (the Redis follower,
 * the example consumer of docs/events); counts the consumers made.
 */
export function crashEveryKafkaConsumer(crashes: { left: number }): { consumers: () => number; restore: () => void } {
  const make = Kafka.prototype.consumer;
  let made = 0;
  Kafka.prototype.consumer = function (this: Kafka, config) {
    made++;
    return crashingDeliveries(make.call(this, config), crashes);
  };
  return { consumers: () => made, restore: () => void (Kafka.prototype.consumer = make) };
}
