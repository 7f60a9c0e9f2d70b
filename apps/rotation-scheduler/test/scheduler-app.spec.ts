import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AnyEnvelope, EventType, PayloadOf, TOPICS, createEnvelope, serializeEnvelope } from '@rotor/contracts';
import { createKafka, ensureTopics } from '@rotor/messaging';
import { CollectedMessage, Collector, kafkaBrokers, startCollecting, topicOffsets, uniqueSuffix, waitFor } from '@rotor/testing';
import { ManualClock } from '@rotor/util';
import { Kafka, Partitioners, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { loadConfig } from '../src/config';
import { DueLoopService } from '../src/due-loop/due-loop.service';
import { ScheduleRepository } from '../src/schedule/schedule.repository';
import { Schedule, ScheduleStatus } from '../src/schedule/schedule.types';
import { connect, schedulerTestDatabase } from './support/database';
import { quietLogger } from './support/rules';
import { attemptFailed, completed, created, requested, updated } from './support/rotation-events';

jest.setTimeout(40_000);

const MIN = 60_000;

/**
 * The whole app on the real stack: rotation events in through Kafka (as rotation-config
 * publishes them), RotationDue / RotationTimedOut out through the outbox relay to Kafka.
 */
describe('rotation-scheduler app', () => {
  const prefix = `app-${uniqueSuffix()}-`;
  const clock = new ManualClock('2026-03-02T09:00:00.000Z');
  let kafka: Kafka;
  let producer: Producer;
  let app: INestApplication;
  let ds: DataSource;
  let dues: Collector;
  let timeouts: Collector;

  beforeAll(async () => {
    kafka = createKafka({ clientId: 'rotor-test-scheduler-app', brokers: await kafkaBrokers(), logger: quietLogger });
    await ensureTopics(kafka);
    const url = await schedulerTestDatabase('app');
    ds = await connect(url);

    // The group starts at the end of the shared topic: it reads this test's events only.
    const group = `rotation-scheduler-test-${uniqueSuffix()}`;
    const admin = kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(TOPICS.rotationEvents);
    await admin.setOffsets({ groupId: group, topic: TOPICS.rotationEvents, partitions: ends.map((o) => ({ partition: o.partition, offset: o.high })) });
    await admin.disconnect();

    const ours = (m: CollectedMessage) => m.key?.startsWith(prefix) ?? false;
    [dues, timeouts] = await Promise.all([
      startCollecting(kafka, TOPICS.schedulerEvents, { since: await topicOffsets(kafka, TOPICS.schedulerEvents), filter: ours }),
      startCollecting(kafka, TOPICS.executorEvents, { since: await topicOffsets(kafka, TOPICS.executorEvents), filter: ours }),
    ]);
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();

    const config = { ...loadConfig({}), databaseUrl: url, consumerGroup: group, maxPerSecond: 1000, clock };
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] }).compile();
    app = moduleRef.createNestApplication({ logger: ['error'] });
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
    await Promise.all([dues?.stop(), timeouts?.stop(), producer?.disconnect()]);
    await ds?.destroy();
  });

  async function publish<T extends EventType>(type: T, payload: PayloadOf<T> & { rotationId: string }): Promise<void> {
    const envelope = createEnvelope(type, payload.rotationId, payload, { occurredAt: clock.now() }) as AnyEnvelope;
    await producer.send({ topic: TOPICS.rotationEvents, acks: -1, messages: [{ key: payload.rotationId, value: serializeEnvelope(envelope) }] });
  }

  /** Waits until the consumer has applied what was published: the row reaches `status`. */
  function scheduleOf(rotationId: string, status: ScheduleStatus): Promise<Schedule> {
    return waitFor(async () => {
      const s = await ScheduleRepository.find(ds.manager, rotationId);
      return s?.status === status ? s : null;
    }, { timeoutMs: 20_000, message: `${rotationId} to be ${status}` });
  }

  /** Moves the clock and tells the due loop to look (as its timer would, in real time). */
  function advance(ms: number): void {
    clock.advance(ms);
    app.get(DueLoopService).wake();
  }

  function eventsFor(collector: Collector, rotationId: string) {
    return collector.messages
      .filter((m) => m.key === rotationId)
      .map((m) => JSON.parse(m.value ?? '{}') as AnyEnvelope)
      .map(({ type, payload }) => ({ type, payload }));
  }

  /** Created, then the initial rotation requested and completed with the given next due time. */
  async function issued(rotationId: string, nextRotationAt: Date): Promise<void> {
    const initial = { jobId: `${rotationId}-job-1`, generation: 1, reason: 'initial' as const };
    await publish('RotationCreated', created(rotationId));
    await publish('RotationRequested', requested(rotationId, initial));
    await publish('RotationCompleted', completed(rotationId, initial, nextRotationAt.toISOString()));
    await scheduleOf(rotationId, 'scheduled');
  }

  it('requests a due rotation, declares it timed out when its lease runs out, and retries it once it failed', async () => {
    const id = `${prefix}lease`;
    const dueAt = new Date(clock.now().getTime() + MIN);
    await issued(id, dueAt);

    advance(MIN);
    await dues.waitFor((ms) => ms.some((m) => m.key === id));
    expect(eventsFor(dues, id)).toEqual([
      { type: 'RotationDue', payload: expect.objectContaining({ dueAt: dueAt.toISOString(), reason: 'scheduled', attempt: 1 }) },
    ]);

    const job = { jobId: `${id}-job-2`, generation: 2, reason: 'scheduled' as const, attempt: 1, dueAt: dueAt.toISOString() };
    await publish('RotationRequested', requested(id, job));
    await scheduleOf(id, 'in_flight');

    advance(5 * MIN); // the default lease
    // Only the timeout: a secret store sharing this broker (another suite's) may answer it on the same topic.
    await timeouts.waitFor((ms) => ms.some((m) => m.key === id && (m.value ?? '').includes('"RotationTimedOut"')));
    expect(eventsFor(timeouts, id).filter((e) => e.type === 'RotationTimedOut')).toEqual([
      {
        type: 'RotationTimedOut',
        payload: expect.objectContaining({ jobId: job.jobId, generation: 2, message: expect.stringMatching(/^timeout: /) }),
      },
    ]);

    // The secret store fences the job and answers RotationFailed; rotation-config ends the job
    // on that, and its RotationAttemptFailed comes back.
    await publish('RotationAttemptFailed', attemptFailed(id, job, { message: 'timeout: no outcome within the 300 s lease' }));
    const retrying = await scheduleOf(id, 'retrying');
    const retryIn = (retrying.retryAt?.getTime() ?? Number.NaN) - clock.now().getTime();
    expect(retryIn).toBeGreaterThanOrEqual(0);
    expect(retryIn).toBeLessThanOrEqual(MIN); // the first backoff: full jitter up to one minute
    expect(retrying.nextDueAt).toEqual(dueAt); // the regular chain stays where it was

    advance(retryIn);
    await dues.waitFor((ms) => ms.filter((m) => m.key === id).length === 2);
    expect(eventsFor(dues, id)[1]).toEqual({
      type: 'RotationDue',
      payload: expect.objectContaining({ dueAt: dueAt.toISOString(), reason: 'retry', attempt: 2 }),
    });
  });

  it('announces RotationGaveUp when a failed attempt will not be retried', async () => {
    const id = `${prefix}gave-up`;
    const dueAt = new Date(clock.now().getTime() + 60 * MIN);
    await issued(id, dueAt);
    const manual = { jobId: `${id}-job-m`, generation: 2, reason: 'manual' as const, attempt: 1 };
    await publish('RotationRequested', requested(id, manual));
    await scheduleOf(id, 'in_flight');
    await publish('RotationAttemptFailed', attemptFailed(id, manual, { message: 'node 127.0.0.1:1 unreachable' }));
    await scheduleOf(id, 'failed');

    await dues.waitFor((ms) => ms.some((m) => m.key === id && (m.value ?? '').includes('"RotationGaveUp"')));
    expect(eventsFor(dues, id)).toEqual([
      {
        type: 'RotationGaveUp',
        payload: expect.objectContaining({
          jobId: manual.jobId, attempt: 1, dueAt: null, message: 'node 127.0.0.1:1 unreachable', nextRotationAt: dueAt.toISOString(),
        }),
      },
    ]);
  });

  it('fires nothing while paused and resumes at the next due time it is given', async () => {
    const id = `${prefix}pause`;
    await issued(id, new Date(clock.now().getTime() + 60 * MIN));

    await publish('RotationUpdated', updated(id, null));
    await scheduleOf(id, 'paused');
    advance(120 * MIN);
    await new Promise((r) => setTimeout(r, 500));
    expect(eventsFor(dues, id)).toEqual([]);

    const resumeAt = new Date(clock.now().getTime() + 10 * MIN);
    await publish('RotationUpdated', updated(id, resumeAt.toISOString()));
    await scheduleOf(id, 'scheduled');
    advance(10 * MIN - 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(eventsFor(dues, id)).toEqual([]);
    advance(1);
    await dues.waitFor((ms) => ms.some((m) => m.key === id));
    expect(eventsFor(dues, id)).toEqual([
      { type: 'RotationDue', payload: expect.objectContaining({ dueAt: resumeAt.toISOString(), reason: 'scheduled', attempt: 1 }) },
    ]);
  });

  it('forgets a deleted rotation', async () => {
    const id = `${prefix}deleted`;
    await issued(id, new Date(clock.now().getTime() + MIN));
    await publish('RotationDeleted', {
      rotationId: id, projectId: 'project-1', environment: 'prod', secretPath: '/',
      secretsMapping: { username: 'REDIS_USERNAME', password: 'REDIS_PASSWORD' },
      deleteSecrets: false, revokeGeneratedCredentials: false, deletedAt: clock.now().toISOString(),
      requestedBy: { type: 'identity', id: 'identity-1', name: 'ci-deployer' },
    });
    await waitFor(async () => (await ScheduleRepository.find(ds.manager, id)) === null, { message: `${id} to be removed` });
    advance(2 * MIN);
    await new Promise((r) => setTimeout(r, 300));
    expect(eventsFor(dues, id)).toEqual([]);
  });
});
