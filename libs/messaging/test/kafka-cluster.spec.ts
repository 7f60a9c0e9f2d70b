import { ensureTopics } from '../src';
import { Kafka, logLevel } from 'kafkajs';
import { join } from 'node:path';
import { lanePort, Platform, uniqueSuffix, waitFor } from '@rotor/testing';

/**
 * The 3-node KRaft cluster that scaled runs use (tools/kafka/kafka.sh with KAFKA_NODES=3,
 * through Platform({ brokers: 3 })): every topic has three replicas and needs two in sync, so
 * a node killed in the middle of a stream of acks=all writes loses none of them.
 */
describe('a 3-node Kafka cluster', () => {
  const platform = new Platform({
    brokers: 3,
    kafkaPort: lanePort(17092),
    kafkaHome: join(__dirname, '..', '..', '..', 'tmp', `kafka-cluster-${process.env['ROTOR_TEST_LANE'] ?? '0'}`),
    logDir: join(__dirname, '..', '..', '..', 'tmp', 'kafka-cluster-logs'),
  });
  let kafka: Kafka;

  beforeAll(() => {
    platform.startKafka();
    // Patient retries: the partitions a killed node led have no leader until the controller
    // gives up on it (broker.session.timeout.ms, 9 s) and elects another, longer on a busy
    // machine than kafkajs's default budget of about 10 s.
    kafka = new Kafka({
      clientId: 'rotor-cluster-test',
      brokers: platform.kafkaBrokers(),
      logLevel: logLevel.NOTHING,
      retry: { retries: 20, initialRetryTime: 300, maxRetryTime: 5_000 },
    });
  }, 180_000);
  afterAll(() => platform.stopKafka());

  async function partitions(topic: string) {
    const admin = kafka.admin();
    await admin.connect();
    try {
      return (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0].partitions;
    } finally {
      await admin.disconnect();
    }
  }

  it('replicates every partition three times, and keeps every acks=all write while a node is killed', async () => {
    const topic = `rotor.test.cluster.${uniqueSuffix()}`;
    await ensureTopics(kafka, [topic]);
    for (const p of await partitions(topic)) expect(p.replicas.sort()).toEqual([1, 2, 3]);

    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const sent: string[] = [];
    for (let i = 0; i < 200; i++) {
      if (i === 100) platform.killBroker(2);
      const key = `k${i % 7}`;
      await producer.send({ topic, acks: -1, messages: [{ key, value: String(i) }] });
      sent.push(String(i));
    }
    await producer.disconnect();
    expect(platform.kafkaPid(2)).toBeUndefined();

    const consumer = kafka.consumer({ groupId: `rotor-cluster-test-${uniqueSuffix()}` });
    const received: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void received.push(String(message.value)) });
    await waitFor(() => received.length >= sent.length, { timeoutMs: 60_000, message: 'every message sent' });
    await consumer.disconnect();
    expect([...new Set(received)].sort()).toEqual([...sent].sort());

    await platform.startBroker(2);
    await waitFor(async () => (await partitions(topic)).every((p) => p.isr.length === 3), { timeoutMs: 60_000, message: 'node 2 back in sync' });
  }, 240_000);
});
