/**
 * The executor as it runs: the Nest app (consumer, outbox relay, HTTP) on a test database of
 * its own, real Kafka, real Postgres. Tests produce envelopes onto a rotation topic of their
 * own (so no other test's events reach this executor, nor this one's reach theirs) and read
 * what the executor publishes on the real executor topic, keyed by their rotation ids.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AnyEnvelope, dlqTopic, Envelope, EventType, parseEnvelope, serializeEnvelope, Topic, TOPICS } from '@rotor/contracts';
import { EnvelopeCipher } from '@rotor/crypto';
import { createDataSource, EVENT_STORE_MIGRATIONS } from '@rotor/event-store';
import { createKafka, ensureTopics } from '@rotor/messaging';
import { rotorUsername } from '@rotor/rotation-domain';
import {
  ADMIN_PASSWORD,
  ADMIN_USER,
  Collector,
  kafkaBrokers,
  RedisServer,
  startCollecting,
  testDatabaseUrl,
  topicOffsets,
  uniqueSuffix,
  waitFor,
} from '@rotor/testing';
import { Kafka, Partitioners, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { MIGRATIONS } from '../../src/migrations';
import { VerificationSettings } from '../../src/verification/verification-outcome';

export const INTERNAL_TOKEN = `executor-test-token-${randomBytes(8).toString('hex')}`;
/** The root key shared by the test (sealing inputs, opening outputs) and the executor. */
export const TEST_ROOT_KEY = randomBytes(32);

export class ExecutorHarness {
  readonly cipher = new EnvelopeCipher(TEST_ROOT_KEY);
  private readonly ownRotations = new Set<string>();
  /** How many messages the test produced onto the rotation topic. */
  sentCount = 0;

  private constructor(
    readonly app: INestApplication,
    readonly kafka: Kafka,
    readonly db: DataSource,
    readonly groupId: string,
    readonly rotationTopic: Topic,
    private readonly producer: Producer,
    private readonly executorEvents: Collector,
  ) {}

  static async start(name: string, options: { verification?: VerificationSettings } = {}): Promise<ExecutorHarness> {
    process.env['ROTOR_ROOT_KEY'] = TEST_ROOT_KEY.toString('base64');
    process.env['ROTOR_INTERNAL_TOKEN'] = INTERNAL_TOKEN;
    const brokers = await kafkaBrokers();
    const kafka = createKafka({ clientId: `executor-test-${name}`, brokers, logLevel: 'error' });
    const suffix = uniqueSuffix();
    // A topic name outside TOPICS, on purpose: see the file comment.
    const rotationTopic = `rotor.test.executor.${name}.${suffix}` as Topic;
    await ensureTopics(kafka);
    await ensureTopics(kafka, [rotationTopic, dlqTopic(rotationTopic)], { numPartitions: 2 });

    const databaseUrl = await testDatabaseUrl(`executor_${name}`, [...EVENT_STORE_MIGRATIONS, ...MIGRATIONS]);
    const db = createDataSource({ url: databaseUrl });
    await db.initialize();

    const harness: { own?: Set<string> } = {};
    const since = await topicOffsets(kafka, TOPICS.executorEvents);
    const executorEvents = await startCollecting(kafka, TOPICS.executorEvents, {
      since,
      filter: (m) => m.key !== null && (harness.own?.has(m.key) ?? false),
    });

    const groupId = `redis-executor-test-${suffix}`;
    const moduleRef = await Test.createTestingModule({
      imports: [AppModule.forRoot({ databaseUrl, rootKey: TEST_ROOT_KEY, groupId, rotationTopic, kafkaClientId: `redis-executor-test-${name}`, leaseMs: 300_000, verification: options.verification })],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
    await app.init();

    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const h = new ExecutorHarness(app, kafka, db, groupId, rotationTopic, producer, executorEvents);
    harness.own = h.ownRotations;
    return h;
  }

  async stop(): Promise<void> {
    await this.app?.close();
    await this.producer?.disconnect();
    await this.executorEvents?.stop();
    await this.db?.destroy();
    const admin = this.kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [this.rotationTopic, dlqTopic(this.rotationTopic)] }).catch(() => undefined);
    await admin.disconnect();
  }

  rotation(server: RedisServer, overrides: Partial<TestRotationOptions> = {}): TestRotation {
    const rotation = new TestRotation(this.cipher, { server, topology: { type: 'single' }, ...overrides });
    this.ownRotations.add(rotation.rotationId);
    return rotation;
  }

  /** Produces envelopes in order, key = rotation id (so they share a partition and keep their order). */
  async send(...events: AnyEnvelope[]): Promise<void> {
    for (const event of events) {
      await this.producer.send({ topic: this.rotationTopic, acks: -1, messages: [{ key: event.aggregateId, value: serializeEnvelope(event) }] });
      this.sentCount++;
    }
  }

  /** The first event the executor published for `jobId`. */
  async outcomeOf(jobId: string, timeoutMs = 20_000): Promise<AnyEnvelope> {
    await this.executorEvents.waitFor(() => this.published().some((e) => jobOf(e) === jobId), timeoutMs);
    return this.published().find((e) => jobOf(e) === jobId) as AnyEnvelope;
  }

  /** Everything the executor published on the executor topic for this test's rotations. */
  published(): AnyEnvelope[] {
    return this.executorEvents.messages.map((m) => {
      const parsed = parseEnvelope(m.value);
      if (!parsed.ok) throw new Error(`the executor published an invalid message: ${parsed.reason}`);
      return parsed.event;
    });
  }

  publishedFor<T extends EventType>(rotationId: string, type: T): Envelope<T>[] {
    return this.published().filter((e) => e.aggregateId === rotationId && e.type === type) as unknown as Envelope<T>[];
  }

  rawPublished(): string[] {
    return this.executorEvents.messages.map((m) => m.value ?? '');
  }

  /** Resolves once the consumer has committed its handling of `eventId` (its inbox claim is visible). */
  async processed(eventId: string): Promise<void> {
    await waitFor(
      async () => (await this.db.query('SELECT 1 FROM inbox WHERE consumer = $1 AND event_id = $2', [this.groupId, eventId])).length === 1,
      { timeoutMs: 20_000, message: `the executor to handle event ${eventId}` },
    );
  }

  /**
   * Resolves once every outbox row of the rotation is published and has arrived on the
   * collector: from then on, what was collected is everything the executor will ever say
   * about it (so far).
   */
  async settled(rotationId: string): Promise<AnyEnvelope[]> {
    await waitFor(
      async () => {
        const [row]: { total: number; pending: number }[] = await this.db.query(
          'SELECT count(*)::int AS total, count(*) FILTER (WHERE published_at IS NULL)::int AS pending FROM outbox WHERE key = $1',
          [rotationId],
        );
        return row.pending === 0 && this.published().filter((e) => e.aggregateId === rotationId).length >= row.total;
      },
      { timeoutMs: 20_000, message: `every event of rotation ${rotationId} to be published` },
    );
    return this.published().filter((e) => e.aggregateId === rotationId);
  }

  /** The plaintext password inside a CredentialsRotated, opened as the secret store would. */
  openPassword(event: Envelope<'CredentialsRotated'>): string {
    const p = event.payload;
    return this.cipher.open(p.password, { projectId: p.projectId, owner: p.rotationId, field: 'password' });
  }
}

export function jobOf(e: AnyEnvelope): string | undefined {
  return (e.payload as { jobId?: string }).jobId;
}

type Topology = Envelope<'RotationRequested'>['payload']['connection']['topology'];
type PasswordRequirements = Envelope<'RotationRequested'>['payload']['passwordRequirements'];

export interface TestRotationOptions {
  server: RedisServer;
  topology: Topology;
  adminPassword: string;
  /** Absent: as events from before the setting carry it (auto). */
  aclPersistenceMode?: Envelope<'RotationRequested'>['payload']['connection']['aclPersistenceMode'];
}

export const PASSWORD_REQUIREMENTS: PasswordRequirements = {
  length: 32,
  required: { digits: 2, lowercase: 2, uppercase: 2, symbols: 2 },
  allowedSymbols: '-_.~',
};

/** One rotation's requests, as rotation-config would send them. */
export class TestRotation {
  readonly rotationId = randomUUID();
  readonly projectId = `proj-${uniqueSuffix()}`;
  readonly connectionId = `conn-${uniqueSuffix()}`;
  private readonly opts: TestRotationOptions;

  constructor(
    private readonly cipher: EnvelopeCipher,
    opts: Omit<TestRotationOptions, 'adminPassword'> & Partial<TestRotationOptions>,
  ) {
    this.opts = { adminPassword: ADMIN_PASSWORD, ...opts };
  }

  username(index: 0 | 1): string {
    return rotorUsername(this.rotationId, index);
  }

  /** Generation n targets slot (n - 1) % 2: 1 → 0, 2 → 1, 3 → 0 … */
  request(
    generation: number,
    overrides: Partial<Envelope<'RotationRequested'>['payload']> = {},
    options: { eventId?: string } = {},
  ): Envelope<'RotationRequested'> {
    const targetIndex = ((generation - 1) % 2) as 0 | 1;
    return {
      eventId: options.eventId ?? randomUUID(),
      type: 'RotationRequested',
      schemaVersion: 1,
      occurredAt: new Date().toISOString(),
      aggregateId: this.rotationId,
      correlationId: randomUUID(),
      causationId: null,
      payload: {
        rotationId: this.rotationId,
        projectId: this.projectId,
        environment: 'prod',
        secretPath: '/redis',
        jobId: randomUUID(),
        generation,
        targetIndex,
        username: this.username(targetIndex),
        reason: generation === 1 ? 'initial' : 'scheduled',
        attempt: 1,
        dueAt: null,
        requestedAt: new Date().toISOString(),
        connection: this.connection(),
        permissionScope: ['~*', '+@all'],
        passwordRequirements: PASSWORD_REQUIREMENTS,
        secretsMapping: { username: 'REDIS_USERNAME', password: 'REDIS_PASSWORD' },
        // The first set is asked for by whoever created the rotation, later ones by the schedule.
        requestedBy: generation === 1 ? { type: 'identity', id: 'identity-1', name: 'ci-deployer' } : { type: 'rotor' },
        ...overrides,
      },
    };
  }

  /** rotation-config's word that the secret store serves `generation` (slot (generation - 1) % 2). */
  completed(generation: number): Envelope<'RotationCompleted'> {
    const eventId = randomUUID();
    return {
      eventId,
      type: 'RotationCompleted',
      schemaVersion: 1,
      occurredAt: new Date().toISOString(),
      aggregateId: this.rotationId,
      correlationId: eventId,
      causationId: null,
      payload: {
        rotationId: this.rotationId,
        jobId: randomUUID(),
        generation,
        activeIndex: ((generation - 1) % 2) as 0 | 1,
        reason: generation === 1 ? 'initial' : 'scheduled',
        dueAt: null,
        rotatedAt: new Date().toISOString(),
        nextRotationAt: null,
      },
    };
  }

  revocation(usernames: string[]): Envelope<'RevocationRequested'> {
    const eventId = randomUUID();
    return {
      eventId,
      type: 'RevocationRequested',
      schemaVersion: 1,
      occurredAt: new Date().toISOString(),
      aggregateId: this.rotationId,
      correlationId: eventId,
      causationId: null,
      payload: {
        rotationId: this.rotationId,
        projectId: this.projectId,
        jobId: randomUUID(),
        usernames,
        connection: this.connection(),
        requestedAt: new Date().toISOString(),
      },
    };
  }

  /** The connection as events carry it: the admin password sealed for (project, connection, 'password'). */
  connection(): Envelope<'RotationRequested'>['payload']['connection'] {
    return {
      connectionId: this.connectionId,
      host: this.opts.server.host,
      port: this.opts.server.port,
      username: ADMIN_USER,
      password: this.cipher.seal(this.opts.adminPassword, { projectId: this.projectId, owner: this.connectionId, field: 'password' }),
      tls: { enabled: false, caCertificate: null, rejectUnauthorized: true, servername: null },
      topology: this.opts.topology,
      ...(this.opts.aclPersistenceMode ? { aclPersistenceMode: this.opts.aclPersistenceMode } : {}),
    };
  }
}
