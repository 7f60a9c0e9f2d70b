import { INestApplication, LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { EnvelopeCipher } from '@rotor/crypto';
import { createKafka, ensureTopics } from '@rotor/messaging';
import { INTERNAL_TOKEN_HEADER } from '@rotor/service-runtime';
import { kafkaBrokers, testDatabaseUrl, topicOffsets, uniqueSuffix } from '@rotor/testing';
import { systemClock } from '@rotor/util';
import { Kafka } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { SecretStoreConfig } from '../../src/config';
import { createAppDataSource } from '../../src/data-source';
import { AppModule } from '../../src/app.module';
import { CONSUMED_TOPICS, EventProducer } from './events';

/** Every line the app logged, to prove no credential ever reaches a log. */
export class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  log(...args: unknown[]): void { this.push(args); }
  error(...args: unknown[]): void { this.push(args); }
  warn(...args: unknown[]): void { this.push(args); }
  debug(...args: unknown[]): void { this.push(args); }
  verbose(...args: unknown[]): void { this.push(args); }
  private push(args: unknown[]): void {
    this.lines.push(args.map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
  }
}

export interface Stack {
  /** The test's own connection, for inspecting rows. */
  db: DataSource;
  databaseUrl: string;
  kafka: Kafka;
  /** What redis-executor would hold: the same root key as the secret store. */
  cipher: EnvelopeCipher;
  rootKey: Buffer;
  token: string;
  groupId: string;
  close(): Promise<void>;
}

/**
 * A fresh `rotor_test_secrets_<name>` database migrated with the app's own migrations, the real
 * Kafka, and a consumer group of its own that starts at the current end of the consumed
 * topics (other test runs' messages on those shared topics are not this test's business).
 */
export async function prepareStack(name: string): Promise<Stack> {
  const brokers = await kafkaBrokers();
  process.env['KAFKA_BROKERS'] = brokers.join(',');
  const token = `test-token-${randomBytes(16).toString('hex')}`;
  process.env['ROTOR_INTERNAL_TOKEN'] = token;

  const databaseUrl = await testDatabaseUrl(`secrets_${name}`);
  const db = createAppDataSource(databaseUrl);
  await db.initialize();
  await db.runMigrations({ transaction: 'each' });

  const kafka = createKafka({ clientId: `secret-store-test-${name}`, brokers, logLevel: 'error' });
  await ensureTopics(kafka);
  const groupId = `secret-store-test-${name}-${uniqueSuffix()}`;
  await startGroupAtEnd(kafka, groupId);

  const rootKey = randomBytes(32);
  return {
    db, databaseUrl, kafka, rootKey, token, groupId,
    cipher: new EnvelopeCipher(rootKey),
    close: () => db.destroy(),
  };
}

async function startGroupAtEnd(kafka: Kafka, groupId: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const topic of CONSUMED_TOPICS) {
      const ends = await topicOffsets(kafka, topic);
      await admin.setOffsets({ groupId, topic, partitions: Object.entries(ends).map(([p, offset]) => ({ partition: Number(p), offset })) });
    }
  } finally {
    await admin.disconnect();
  }
}

export interface RunningApp {
  app: INestApplication;
  logs: CapturingLogger;
  http(): ReturnType<typeof request>;
  /** supertest with the internal token set. */
  get(path: string): request.Test;
  post(path: string): request.Test;
  patch(path: string): request.Test;
  delete(path: string): request.Test;
  close(): Promise<void>;
}

export function configFor(stack: Stack): SecretStoreConfig {
  return {
    databaseUrl: stack.databaseUrl,
    rootKey: stack.rootKey,
    consumer: { groupId: stack.groupId, maxAttempts: 2, backoffMs: 50 },
    clock: systemClock,
  };
}

/** Boots the whole secret-store module (consumer and outbox relay included) as main.ts does. */
export async function startApp(stack: Stack, config: SecretStoreConfig = configFor(stack)): Promise<RunningApp> {
  const logs = new CapturingLogger();
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] }).compile();
  const app = moduleRef.createNestApplication({ logger: logs });
  await app.init();
  const http = () => request(app.getHttpServer());
  return {
    app, logs, http,
    get: (path) => http().get(path).set(INTERNAL_TOKEN_HEADER, stack.token),
    post: (path) => http().post(path).set(INTERNAL_TOKEN_HEADER, stack.token),
    patch: (path) => http().patch(path).set(INTERNAL_TOKEN_HEADER, stack.token),
    delete: (path) => http().delete(path).set(INTERNAL_TOKEN_HEADER, stack.token),
    close: () => app.close(),
  };
}

/**
 * One suite's secret store: its stack, the app booted on it and a producer of the events it
 * consumes. `start` in beforeAll, `stop` in afterAll: it closes whatever `start` got to.
 */
export class SecretStoreHarness {
  stack!: Stack;
  app!: RunningApp;
  producer!: EventProducer;

  constructor(private readonly name: string) {}

  /** `beforeApp` runs on the stack before the app boots, e.g. to note where topics end before it writes to them. */
  async start(beforeApp?: (stack: Stack) => Promise<void>): Promise<void> {
    this.stack = await prepareStack(this.name);
    await beforeApp?.(this.stack);
    this.app = await startApp(this.stack);
    this.producer = await EventProducer.connect(this.stack.kafka);
  }

  async stop(): Promise<void> {
    await this.producer?.close();
    await this.app?.close();
    await this.stack?.close();
  }
}
