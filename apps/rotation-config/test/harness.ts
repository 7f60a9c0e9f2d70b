import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AnyEnvelope, EventType, PayloadOf, TOPICS, Topic, createEnvelope, dlqTopic, serializeEnvelope } from '@rotor/contracts';
import { loadRootKey } from '@rotor/crypto';
import { createKafka, ensureTopics } from '@rotor/messaging';
import { systemClock } from '@rotor/util';
import {
  CollectedMessage, Collector, kafkaBrokers, startCollecting, testDatabaseUrl, topicOffsets, uniqueSuffix, waitFor,
} from '@rotor/testing';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { Kafka, Partitioners, Producer } from 'kafkajs';
import { Client } from 'pg';
import request from 'supertest';
import { AppModule } from '../src/app.module';
import { RotationConfigSettings } from '../src/config';
import { SecretStoreStub } from './secret-store-stub';

export const INTERNAL_TOKEN = `test-internal-token-${randomBytes(8).toString('hex')}`;
process.env['ROTOR_INTERNAL_TOKEN'] = INTERNAL_TOKEN;
process.env['ROTOR_ROOT_KEY'] = randomBytes(32).toString('base64');

export const REDIS = { host: '127.0.0.1', port: Number(process.env['TEST_REDIS_PORT'] ?? 6379) };

/**
 * The real rotation-config (Nest app, its own Postgres database, the real Kafka broker) for
 * one test file. The test plays the executor, the secret store and the scheduler: it reads
 * what the app publishes on the real rotation topic and produces their events as they would.
 * Those arrive on an inbound topic of this test's own, so the events of other processes on
 * the shared broker (a running scheduler's retries, another run's executor) never reach it.
 */
export class Harness {
  app!: INestApplication;
  databaseUrl!: string;
  kafka!: Kafka;
  private producer!: Producer;
  private collector!: Collector;
  private redis!: Redis;
  private readonly redisUsers: string[] = [];
  private inboundTopic!: Topic;
  readonly secretStore = new SecretStoreStub(INTERNAL_TOKEN);
  readonly admin = { username: `rotor_test_admin_${uniqueSuffix()}`, password: `Adm1n-${randomBytes(18).toString('base64url')}` };

  constructor(private readonly name: string, private readonly overrides: Partial<RotationConfigSettings> = {}) {}

  async start(): Promise<void> {
    const brokers = await kafkaBrokers();
    this.databaseUrl = await testDatabaseUrl(this.name);
    await this.secretStore.start();
    this.redis = new Redis({ ...REDIS, lazyConnect: true, maxRetriesPerRequest: 1 });
    await this.redis.connect();
    // A Redis admin of our own, so the connection check runs against a real server.
    await this.redis.call('ACL', 'SETUSER', this.admin.username, 'on', `>${this.admin.password}`, '~*', '&*', '+@all');

    this.kafka = createKafka({ clientId: `rotation-config-test-${this.name}`, brokers, logLevel: 'error' });
    this.producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await this.producer.connect();
    this.inboundTopic = `rotor.test.config.${this.name}.${uniqueSuffix()}` as Topic;
    await ensureTopics(this.kafka);
    await ensureTopics(this.kafka, [this.inboundTopic, dlqTopic(this.inboundTopic)], { numPartitions: 2 });

    const settings: RotationConfigSettings = {
      databaseUrl: this.databaseUrl,
      consumerGroupId: `rotation-config-test-${this.name}-${uniqueSuffix()}`,
      inboundTopics: [this.inboundTopic],
      initialIssueTimeoutMs: 20_000,
      rotateWaitMs: 5_000,
      settleWaitMs: 5_000,
      outcomePollMs: 1_000,
      secretStoreUrls: [new URL(this.secretStore.url)],
      secretStoreTimeoutMs: 2_000,
      scheduleUnit: 'days',
      rootKey: loadRootKey(),
      clock: systemClock,
      ...this.overrides,
    };
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(settings)] }).compile();
    this.app = moduleRef.createNestApplication({ logger: ['error'] });
    this.app.enableShutdownHooks();
    await this.app.init();
    // Only what this app publishes from now on; other test files share the topic.
    this.collector = await startCollecting(this.kafka, TOPICS.rotationEvents, { since: await topicOffsets(this.kafka, TOPICS.rotationEvents) });
  }

  async stop(): Promise<void> {
    await this.app?.close();
    await this.secretStore.stop().catch(() => undefined);
    await this.collector?.stop();
    await this.producer?.disconnect();
    if (this.inboundTopic) {
      const admin = this.kafka.admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [this.inboundTopic, dlqTopic(this.inboundTopic)] }).catch(() => undefined);
      await admin.disconnect();
    }
    if (this.redis) {
      await this.redis.call('ACL', 'DELUSER', this.admin.username, ...this.redisUsers).catch(() => undefined);
      // Users the rotations would have created are the executor's business; none exist here.
      this.redis.disconnect();
    }
  }

  /** ACL SETUSER on the test Redis; the user is deleted when the harness stops. */
  /** A command on the shared test Redis, as the harness' own admin (read-only uses). */
  redisCall(command: string, ...args: string[]): Promise<unknown> {
    return this.redis.call(command, ...args);
  }

  async setRedisUser(username: string, ...rules: string[]): Promise<void> {
    if (!this.redisUsers.includes(username) && username !== this.admin.username) this.redisUsers.push(username);
    await this.redis.call('ACL', 'SETUSER', username, ...rules);
  }

  http() {
    const server = this.app.getHttpServer();
    const withToken = (t: request.Test) => t.set('x-rotor-internal-token', INTERNAL_TOKEN);
    return {
      get: (url: string) => withToken(request(server).get(url)),
      post: (url: string) => withToken(request(server).post(url)),
      patch: (url: string) => withToken(request(server).patch(url)),
      delete: (url: string) => withToken(request(server).delete(url)),
      raw: () => request(server),
    };
  }

  /** Where the published events end now; pass to waitForEvent to see only later ones. */
  mark(): number {
    return this.collector.messages.length;
  }

  /** Waits for an event of `type` matching `where`, published by the app (after `after`, a mark). */
  async waitForEvent<T extends EventType>(type: T, where: (payload: PayloadOf<T>) => boolean, after = 0): Promise<PayloadOf<T>> {
    const match = (m: CollectedMessage) => {
      const e = parse(m);
      return e.type === type && where(e.payload as PayloadOf<T>);
    };
    const messages = await this.collector.waitFor((all) => all.slice(after).some(match), 15_000);
    return parse(messages.slice(after).find(match) as CollectedMessage).payload as PayloadOf<T>;
  }

  eventsOf(rotationId: string): AnyEnvelope[] {
    return this.collector.messages.map(parse).filter((e) => e.aggregateId === rotationId);
  }

  /** Publishes an event as its owner (executor, secret store, scheduler) would, on this test's inbound topic. */
  async publish<T extends EventType>(type: T, rotationId: string, payload: PayloadOf<T>): Promise<string> {
    const envelope = createEnvelope(type, rotationId, payload);
    await this.producer.send({ topic: this.inboundTopic, acks: -1, messages: [{ key: rotationId, value: serializeEnvelope(envelope) }] });
    return envelope.eventId;
  }

  /** Resolves once the app has consumed (and committed the effects of) the event. */
  async consumed(eventId: string): Promise<void> {
    await waitFor(async () => (await this.query('SELECT 1 FROM inbox WHERE event_id = $1', [eventId])).length > 0, {
      timeoutMs: 15_000,
      message: `event ${eventId} to be consumed`,
    });
  }

  /** The secret store's acknowledgement for a RotationRequested. */
  async storeSecretsFor(requested: PayloadOf<'RotationRequested'>, storedAt = new Date()): Promise<string> {
    this.secretStore.storedJobIds.add(requested.jobId);
    return this.publish('RotationSecretsStored', requested.rotationId, {
      rotationId: requested.rotationId,
      projectId: requested.projectId,
      jobId: requested.jobId,
      generation: requested.generation,
      activeIndex: requested.targetIndex,
      versions: { username: requested.generation, password: requested.generation },
      storedAt: storedAt.toISOString(),
    });
  }

  /** The executor's failure for a RotationRequested. */
  async failRequest(requested: PayloadOf<'RotationRequested'>, message: string, retryable = true): Promise<string> {
    return this.publish('RotationFailed', requested.rotationId, {
      rotationId: requested.rotationId,
      projectId: requested.projectId,
      jobId: requested.jobId,
      generation: requested.generation,
      message,
      node: `${REDIS.host}:${REDIS.port}`,
      retryable,
      failedAt: new Date().toISOString(),
    });
  }

  /** Every row of every table in the app's database, as text. */
  async dumpDatabase(): Promise<string> {
    const pg = new Client({ connectionString: this.databaseUrl });
    await pg.connect();
    try {
      const tables: { table_name: string }[] = (await pg.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
      )).rows;
      const parts: string[] = [];
      for (const { table_name } of tables) {
        const rows = (await pg.query(`SELECT to_jsonb(t)::text AS row FROM "${table_name}" t`)).rows as { row: string }[];
        parts.push(`${table_name}: ${rows.map((r) => r.row).join('\n')}`);
      }
      return parts.join('\n');
    } finally {
      await pg.end();
    }
  }

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const pg = new Client({ connectionString: this.databaseUrl });
    await pg.connect();
    try {
      return (await pg.query(sql, params)).rows as T[];
    } finally {
      await pg.end();
    }
  }
}

function parse(m: CollectedMessage): AnyEnvelope {
  return JSON.parse(m.value ?? 'null') as AnyEnvelope;
}

export function newProjectId(): string {
  return `proj-${uniqueSuffix()}`;
}
