import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AnyEnvelope, TOPICS, serializeEnvelope, topicOf } from '@rotor/contracts';
import { createKafka, ensureTopics } from '@rotor/messaging';
import { INTERNAL_TOKEN_HEADER } from '@rotor/service-runtime';
import { kafkaBrokers, testDatabaseUrl, topicOffsets, uniqueSuffix } from '@rotor/testing';
import { systemClock } from '@rotor/util';
import { Kafka, Partitioners, Producer } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { AlertsConfig } from '../../src/config';
import { createAppDataSource } from '../../src/data-source';

const CONSUMED = [TOPICS.rotationEvents, TOPICS.schedulerEvents, TOPICS.secretsPublic];

/**
 * The alerts app on the real stack: a fresh `rotor_test_alerts_<name>` database migrated with
 * the app's migrations, the real Kafka with a consumer group of its own that starts at the
 * current end of the consumed topics, and a producer for the events it reads.
 */
export class AlertsHarness {
  db!: DataSource;
  kafka!: Kafka;
  producer!: Producer;
  app?: INestApplication;
  config!: AlertsConfig;
  readonly token = `test-token-${randomBytes(16).toString('hex')}`;

  constructor(private readonly name: string) {}

  async start(): Promise<void> {
    const brokers = await kafkaBrokers();
    process.env['KAFKA_BROKERS'] = brokers.join(',');
    process.env['ROTOR_INTERNAL_TOKEN'] = this.token;
    const databaseUrl = await testDatabaseUrl(`alerts_${this.name}`);
    this.db = createAppDataSource(databaseUrl);
    await this.db.initialize();
    await this.db.runMigrations({ transaction: 'each' });

    this.kafka = createKafka({ clientId: `alerts-test-${this.name}`, brokers, logLevel: 'error' });
    await ensureTopics(this.kafka);
    const groupId = `alerts-test-${this.name}-${uniqueSuffix()}`;
    const admin = this.kafka.admin();
    await admin.connect();
    for (const topic of CONSUMED) {
      const ends = await topicOffsets(this.kafka, topic);
      await admin.setOffsets({ groupId, topic, partitions: Object.entries(ends).map(([p, offset]) => ({ partition: Number(p), offset })) });
    }
    await admin.disconnect();
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await this.producer.connect();

    this.config = {
      databaseUrl,
      rootKey: randomBytes(32),
      consumer: { groupId, maxAttempts: 2, backoffMs: 50 },
      // Fast, so the retry schedule plays out within a test: 150 ms, 300 ms, then given up.
      delivery: { retry: { baseDelayMs: 150, maxDelayMs: 300, maxAttempts: 3 }, timeoutMs: 2_000, concurrency: 8, pollMs: 100 },
      clock: systemClock,
    };
    await this.startApp();
  }

  /** Boots the whole module (consumer and delivery loop) as main.ts does. */
  async startApp(): Promise<void> {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(this.config)] }).compile();
    this.app = moduleRef.createNestApplication({ logger: ['error'] });
    await this.app.init();
  }

  async stopApp(): Promise<void> {
    await this.app?.close();
    this.app = undefined;
  }

  async publish(...envelopes: AnyEnvelope[]): Promise<void> {
    for (const e of envelopes) {
      await this.producer.send({ topic: topicOf(e.type), acks: -1, messages: [{ key: e.aggregateId, value: serializeEnvelope(e) }] });
    }
  }

  http(method: 'get' | 'post' | 'patch' | 'delete', path: string): request.Test {
    if (!this.app) throw new Error('the app is not running');
    return request(this.app.getHttpServer())[method](path).set(INTERNAL_TOKEN_HEADER, this.token);
  }

  async stop(): Promise<void> {
    await this.stopApp();
    await this.producer?.disconnect();
    await this.db?.destroy();
  }
}
