import 'reflect-metadata';
import { Inject, Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Topic, dlqTopic, serializeEnvelope } from '@rotor/contracts';
import { EVENT_STORE_ENTITIES, EVENT_STORE_MIGRATIONS } from '@rotor/event-store';
import { collectMessages, kafkaBrokers, testDatabaseUrl, topicOffsets, uniqueSuffix } from '@rotor/testing';
import { Kafka, Partitioners } from 'kafkajs';
import { DataSource } from 'typeorm';
import { DLQ_HEADERS, EventHandlers, InboundConsumer, InboundHandlers, KAFKA, MessagingModule, createKafka, ensureTopics } from '../src';
import { due } from './fixtures';

const NOTE = Symbol('NOTE');

/** An app's inbound consumer: its handlers get their dependencies from the app's module. */
@Injectable()
class DueRecorder implements InboundHandlers {
  readonly handlers: EventHandlers;

  constructor(@Inject(NOTE) note: string) {
    this.handlers = {
      RotationDue: async (event, tx) => {
        if (event.payload.attempt === 99) throw new Error('this one always fails');
        await tx.query('INSERT INTO side_effects (event_id, note) VALUES ($1, $2)', [event.eventId, note]);
      },
    };
  }
}

describe('MessagingModule.forConsumer', () => {
  let kafka: Kafka;
  let topic: Topic;
  let url: string;

  beforeAll(async () => {
    kafka = createKafka({ clientId: 'rotor-test-consumer-module', brokers: await kafkaBrokers(), logLevel: 'error' });
    topic = `rotor.test.consumer-module.${uniqueSuffix()}` as Topic;
    await ensureTopics(kafka, [topic, dlqTopic(topic)], { numPartitions: 1 });
    url = await testDatabaseUrl('messaging_consumer_module', EVENT_STORE_MIGRATIONS);
    const ds = new DataSource({ type: 'postgres', url });
    await ds.initialize();
    await ds.query('CREATE TABLE IF NOT EXISTS side_effects (event_id uuid NOT NULL, note text NOT NULL)');
    await ds.destroy();
  }, 30_000);

  async function startApp(groupId: string) {
    const moduleRef = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({ type: 'postgres', url, entities: EVENT_STORE_ENTITIES, logging: false }),
        MessagingModule.forRoot({ clientId: 'rotor-test-consumer-module', brokers: await kafkaBrokers(), relay: false }),
        MessagingModule.forConsumer({ groupId, topics: [topic], handlers: DueRecorder, maxAttempts: 2, backoffMs: 10 }),
      ],
      providers: [{ provide: NOTE, useValue: 'from the app' }, DueRecorder],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    return app;
  }

  it('hands each event to the app provider once, in the inbox transaction, from start to close', async () => {
    const groupId = `rotor-test-module-${uniqueSuffix()}`;
    const app = await startApp(groupId);
    const consumer = app.get(InboundConsumer);
    const ds = app.get(DataSource);
    const key = `rot-${uniqueSuffix()}`;
    const event = due(key);
    const failing = due(key, 99);
    const since = await topicOffsets(kafka, dlqTopic(topic));
    try {
      expect(consumer.isRunning()).toBe(true);
      const producer = app.get<Kafka>(KAFKA).producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      // The same event twice (a redelivery), then one whose handler keeps failing.
      await producer.send({ topic, acks: -1, messages: [event, event, failing].map((e) => ({ key, value: serializeEnvelope(e) })) });
      await producer.disconnect();

      const [dead] = await collectMessages(kafka, dlqTopic(topic), 1, { since, filter: (m) => m.key === key });
      expect(dead.headers[DLQ_HEADERS.attempts]).toBe('2');
      expect(dead.headers[DLQ_HEADERS.consumerGroup]).toBe(groupId);
      const rows = await ds.query('SELECT event_id, note FROM side_effects WHERE event_id = $1', [event.eventId]);
      expect(rows).toEqual([{ event_id: event.eventId, note: 'from the app' }]);
      const claims = await ds.query('SELECT event_id FROM inbox WHERE consumer = $1 AND event_id = $2', [groupId, event.eventId]);
      expect(claims).toHaveLength(1);
    } finally {
      await app.close();
    }
    expect(consumer.isRunning()).toBe(false);
    expect(ds.isInitialized).toBe(false);
  }, 60_000);

  it('names the missing provider when the handlers are not among the app providers', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({ type: 'postgres', url, entities: EVENT_STORE_ENTITIES, logging: false }),
        MessagingModule.forRoot({ clientId: 'rotor-test-consumer-module', brokers: await kafkaBrokers(), relay: false }),
        MessagingModule.forConsumer({ groupId: `rotor-test-module-${uniqueSuffix()}`, topics: [topic], handlers: DueRecorder }),
      ],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    try {
      await expect(app.init()).rejects.toThrow(/DueRecorder/);
    } finally {
      await app.close();
    }
  }, 30_000);
});
