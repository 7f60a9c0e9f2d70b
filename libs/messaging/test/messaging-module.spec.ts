import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TOPICS } from '@rotor/contracts';
import { EVENT_STORE_ENTITIES, EVENT_STORE_MIGRATIONS, EventStore } from '@rotor/event-store';
import { collectMessages, kafkaBrokers, testDatabaseUrl, topicOffsets, uniqueSuffix, waitFor } from '@rotor/testing';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { KAFKA, MessagingModule, OutboxRelay } from '../src';
import { due } from './fixtures';

describe('MessagingModule', () => {
  it('provides KAFKA and relays the app outbox while the app runs', async () => {
    const brokers = await kafkaBrokers();
    const url = await testDatabaseUrl('messaging_module');
    const moduleRef = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({
          type: 'postgres', url, entities: EVENT_STORE_ENTITIES, migrations: EVENT_STORE_MIGRATIONS, migrationsRun: true, logging: false,
        }),
        MessagingModule.forRoot({ clientId: 'rotor-test-module', brokers, relay: { pollIntervalMs: 200 } }),
      ],
    }).compile();
    moduleRef.useLogger(false);
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    const ds = app.get(DataSource);
    const relay = app.get(OutboxRelay);
    const kafka = app.get<Kafka>(KAFKA);

    try {
      await waitFor(() => relay.isActive(), { message: 'the relay to start with the app' });
      const key = `rot-${uniqueSuffix()}`;
      const since = await topicOffsets(kafka, TOPICS.schedulerEvents);
      await new EventStore(ds).append(key, 0, [due(key)]);
      const [message] = await collectMessages(kafka, TOPICS.schedulerEvents, 1, { since, filter: (m) => m.key === key });
      expect(message.key).toBe(key);
    } finally {
      await app.close();
    }

    expect(relay.isActive()).toBe(false);
    expect(ds.isInitialized).toBe(false);
  }, 20_000);
});
