import { kafkaBrokers, uniqueSuffix } from '@rotor/testing';
import { createKafka, ensureTopics } from '../src';
import { withoutPasswords } from '../src/dead-letter';

describe('createKafka', () => {
  it('routes kafkajs log lines to the given logger, by level, quiet below warn', () => {
    const lines: string[] = [];
    const keep = (level: string) => (message: string, fields?: unknown) => void lines.push(`${level} ${message} ${JSON.stringify(fields)}`);
    const kafka = createKafka({ clientId: 'rotor-test-logs', brokers: ['127.0.0.1:1'], logger: { log: keep('info'), warn: keep('warn'), error: keep('error') } });
    const log = kafka.logger().namespace('Probe');

    log.info('joined the group');
    log.warn('slow broker', { broker: 'b1' });
    log.error('connection lost');
    expect(lines).toEqual(['warn Probe: slow broker {"broker":"b1"}', 'error Probe: connection lost {}']);
  });
});

describe('an idle kafkajs connection (patches/kafkajs+2.2.4.patch)', () => {
  it('does not check its empty request queue on a timer', async () => {
    // kafkajs 2.2.4 re-armed a 1 ms timer after every check of an empty queue, for as long as a
    // connection lived: about 1,000 wake-ups a second per connection, most of an idle service's CPU.
    const RequestQueue = require('kafkajs/src/network/requestQueue') as { prototype: { checkPendingRequests: () => void } };
    const checks = jest.spyOn(RequestQueue.prototype, 'checkPendingRequests');
    const producer = createKafka({ clientId: 'rotor-test-idle', brokers: await kafkaBrokers(), logLevel: 'error' }).producer();
    await producer.connect();
    try {
      await new Promise((r) => setTimeout(r, 200)); // the connection's own first requests settle
      checks.mockClear();
      await new Promise((r) => setTimeout(r, 500));
      expect(checks.mock.calls.length).toBeLessThan(5);
    } finally {
      await producer.disconnect();
      checks.mockRestore();
    }
  });
});

describe('ensureTopics', () => {
  it('creates missing topics with 6 partitions and leaves existing ones alone', async () => {
    const kafka = createKafka({ clientId: 'rotor-test-topics', brokers: await kafkaBrokers(), logLevel: 'error' });
    const topic = `rotor.test.topics.${uniqueSuffix()}`;
    await ensureTopics(kafka, [topic, `${topic}.dlq`]);
    await ensureTopics(kafka, [topic, `${topic}.dlq`]);

    const admin = kafka.admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic, `${topic}.dlq`] });
      expect(topics.map((t) => t.partitions.length)).toEqual([6, 6]);
    } finally {
      await admin.disconnect();
    }
  });

  it('returns to every concurrent caller only once each partition answers from its leader', async () => {
    const brokers = await kafkaBrokers();
    const topics = Array.from({ length: 4 }, () => `rotor.test.race.${uniqueSuffix()}`);
    // Three "services" starting at once: the ones that find the topics already listed must
    // still wait for their leaders, or their first ListOffsets answers NOT_LEADER.
    const callers = [1, 2, 3].map((n) => createKafka({ clientId: `rotor-test-race-${n}`, brokers, logLevel: 'error' }));
    await Promise.all(
      callers.map(async (kafka) => {
        await ensureTopics(kafka, topics);
        const admin = kafka.admin({ retry: { retries: 0 } });
        await admin.connect();
        try {
          for (const topic of topics) {
            const offsets = await admin.fetchTopicOffsets(topic);
            expect(offsets.map((o) => o.high)).toEqual(['0', '0', '0', '0', '0', '0']);
          }
        } finally {
          await admin.disconnect();
        }
      }),
    );
  });

  it('names the topics it gave up on', async () => {
    const kafka = createKafka({ clientId: 'rotor-test-topics', brokers: await kafkaBrokers(), logLevel: 'error' });
    // A name Kafka refuses: a non-retriable error, thrown at once rather than waited out.
    await expect(ensureTopics(kafka, ['bad topic name'], { timeoutMs: 1_000 })).rejects.toThrow(/topic/i);
  });
});

describe('withoutPasswords', () => {
  const raw = (s: string) => Buffer.from(s);

  it('masks the value of any field named like password, at any depth', () => {
    const message = raw('{"payload":{"connection":{"password":"enc:v1:abc"},"sentinelPassword":"s3cret"}}');
    expect(withoutPasswords('bad enc:v1:abc and s3cret', message)).toBe('bad [REDACTED] and [REDACTED]');
  });

  it('works on a message that is not valid JSON, and with escaped characters', () => {
    expect(withoutPasswords('echo p"w', raw('{"password":"p\\"w", broken'))).toBe('echo [REDACTED]');
  });

  it('leaves an error alone when the message has no password field', () => {
    expect(withoutPasswords('plain failure', raw('{"username":"u"}'))).toBe('plain failure');
  });
});
