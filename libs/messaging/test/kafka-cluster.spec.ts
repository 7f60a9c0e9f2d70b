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
  it('sends every partition of a batch whose leader moved to a node that already answered (patches/kafkajs+2.2.4.patch)', async () => {
    // kafkajs 2.2.4 kept each broker's answer across the retries of one send and sent a retry
    // nothing for a broker that had answered: a partition that had moved to such a broker was
    // dropped, and the send resolved. Partition 0 is led by node 1 and partition 1 by node 2;
    // node 1 hands partition 0 to node 2 while the producer still sends it to node 1.
    const topic = `rotor.test.moved.${uniqueSuffix()}`;
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({
        topics: [{ topic, replicaAssignment: [{ partition: 0, replicas: [1, 2, 3] }, { partition: 1, replicas: [2, 1, 3] }] }],
        waitForLeaders: true,
      });
    } finally {
      await admin.disconnect();
    }
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const batch = (tag: string) => ({
      acks: -1,
      topicMessages: [{ topic, messages: [0, 1].flatMap((partition) => Array.from({ length: 5 }, (_, i) => ({ partition, value: `${tag}-${partition}-${i}` }))) }],
    });
    try {
      await producer.sendBatch(batch('before'));
      expect((await partitions(topic)).map((p) => p.leader).sort()).toEqual([1, 2]);

      platform.stopBroker(1);
      await waitFor(async () => (await partitions(topic)).every((p) => p.leader === 2), { timeoutMs: 60_000, message: 'node 2 leading both partitions' });
      await platform.startBroker(1);
      await waitFor(async () => (await partitions(topic)).every((p) => p.isr.length === 3), { timeoutMs: 60_000, message: 'node 1 back in sync' });

      const acked = await producer.sendBatch(batch('after'));
      expect(acked.map((r) => r.partition).sort()).toEqual([0, 1]);
    } finally {
      await producer.disconnect();
    }
    const offsets = kafka.admin();
    await offsets.connect();
    try {
      const high = (await offsets.fetchTopicOffsets(topic)).sort((a, b) => a.partition - b.partition).map((o) => Number(o.high));
      expect(high).toEqual([10, 10]);
    } finally {
      await offsets.disconnect();
    }
  }, 240_000);
});
