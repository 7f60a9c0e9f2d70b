import { AnyEnvelope, Envelope, EventType, Topic, dlqTopic, parseEnvelope } from '@rotor/contracts';
import { Inbox } from '@rotor/event-store';
import { Consumer, EachMessagePayload, Kafka, Partitioners, Producer } from 'kafkajs';
import { DataSource, EntityManager } from 'typeorm';
import { deadLetterMessage, describeError, withoutPasswords } from './dead-letter';
import { LoggerLike, jsonLogger } from './logger';
import { consumerLag } from './metrics';

/**
 * One handler per event type, run inside the transaction that also claims the event in the
 * inbox. Follow-up events go out through `Outbox.enqueue(tx, …)` or `EventStore.append(…, tx)`.
 */
export type EventHandlers = { [T in EventType]?: (event: Envelope<T>, tx: EntityManager) => Promise<void> };

export interface ConsumerRunnerOptions {
  /** Kafka consumer group, and the inbox's consumer name. */
  groupId: string;
  topics: Topic[];
  handlers: EventHandlers;
  /** Attempts before a failing message goes to `<topic>.dlq` (default 5). */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt, capped at 30 s (default 200 ms). */
  backoffMs?: number;
  /**
   * How long the group waits for a silent member before its partitions move (default 15 s,
   * or KAFKA_SESSION_TIMEOUT_MS): short enough that a crashed service's work resumes soon,
   * long enough for one handler's bounded Redis round trips.
   */
  sessionTimeoutMs?: number;
  logger?: LoggerLike;
}

const MAX_BACKOFF_MS = 30_000;
const DEFAULT_SESSION_TIMEOUT_MS = 15_000;

type AnyHandler = (event: AnyEnvelope, tx: EntityManager) => Promise<void>;

/**
 * Consumes `topics` and applies each event exactly once per group, in partition order:
 *
 * - the message is parsed with the contracts; an invalid one goes to the DLQ with the reason;
 * - a valid one is claimed in the inbox and handled in ONE transaction (no handler for its
 *   type: claimed and skipped); a redelivered event finds its claim and is skipped;
 * - a failing handler is retried with exponential backoff, `maxAttempts` times in all, then
 *   the message goes to `<topic>.dlq` with the error in its headers and the partition moves on;
 * - only then is offset + 1 committed (autoCommit is off), so a crash at any point redelivers
 *   rather than loses.
 *
 * stop() lets the message in flight finish (and commit), then leaves the group.
 */
export class ConsumerRunner {
  private readonly maxAttempts: number;
  private readonly backoffMs: number;
  private readonly logger: LoggerLike;
  private consumer?: Consumer;
  private producer?: Producer;
  private stopping = false;
  private inFlight: Promise<void> = Promise.resolve();
  private interruptBackoff?: () => void;

  constructor(
    private readonly ds: DataSource,
    private readonly kafka: Kafka,
    private readonly opts: ConsumerRunnerOptions,
  ) {
    this.maxAttempts = Math.max(1, opts.maxAttempts ?? 5);
    this.backoffMs = opts.backoffMs ?? 200;
    this.logger = opts.logger ?? jsonLogger(`ConsumerRunner:${opts.groupId}`);
  }

  async start(): Promise<void> {
    if (this.consumer) return;
    this.stopping = false;
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    const sessionTimeout = this.opts.sessionTimeoutMs ?? Number(process.env['KAFKA_SESSION_TIMEOUT_MS'] || DEFAULT_SESSION_TIMEOUT_MS);
    const consumer = this.kafka.consumer({
      groupId: this.opts.groupId,
      maxWaitTimeInMs: 1000,
      sessionTimeout,
      heartbeatInterval: Math.max(500, Math.floor(sessionTimeout / 5)),
    });
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topics: this.opts.topics, fromBeginning: true });
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      consumerLag.set({ group: this.opts.groupId, topic: payload.topic, partition: String(payload.partition) }, Number(payload.offsetLag));
    });
    this.producer = producer;
    this.consumer = consumer;
    await consumer.run({
      autoCommit: false,
      eachMessage: (payload) => {
        const handling = this.handle(payload);
        this.inFlight = handling.catch(() => undefined);
        return handling;
      },
    });
  }

  async stop(): Promise<void> {
    if (!this.consumer) return;
    this.stopping = true;
    this.interruptBackoff?.();
    // kafkajs ignores commits once its consumer is stopping, so the message in flight must
    // finish and commit before we disconnect.
    await this.inFlight;
    await this.consumer.disconnect();
    await this.producer?.disconnect();
    this.consumer = undefined;
    this.producer = undefined;
  }

  private async handle({ topic, partition, message, heartbeat }: EachMessagePayload): Promise<void> {
    // Stopping: leave it uncommitted; the group's next member gets it.
    if (this.stopping) return;
    const parsed = parseEnvelope(message.value);
    if (!parsed.ok) {
      this.logger.warn('invalid message sent to the DLQ', { topic, partition, offset: message.offset, reason: parsed.reason });
      await this.deadLetter({ topic, partition, message, attempts: 0, error: parsed.reason });
      return this.commit(topic, partition, message.offset);
    }

    const event = parsed.event;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.apply(event);
        break;
      } catch (e) {
        const error = withoutPasswords(describeError(e), message.value);
        const where = { topic, partition, offset: message.offset, eventId: event.eventId, type: event.type, attempt, error };
        if (attempt >= this.maxAttempts) {
          this.logger.error('handler failed for good; message sent to the DLQ', where);
          await this.deadLetter({ topic, partition, message, attempts: attempt, error });
          break;
        }
        this.logger.warn('handler failed; retrying', where);
        const completed = await this.backoff(Math.min(this.backoffMs * 2 ** (attempt - 1), MAX_BACKOFF_MS), heartbeat);
        if (!completed) return; // stopping: redelivered later, never half-applied
      }
    }
    await this.commit(topic, partition, message.offset);
  }

  /** Inbox claim and handler in one transaction: both happen, or neither. */
  private async apply(event: AnyEnvelope): Promise<void> {
    await this.ds.transaction(async (tx) => {
      if (!(await Inbox.claim(tx, this.opts.groupId, event.eventId))) return;
      const handler = this.opts.handlers[event.type] as AnyHandler | undefined;
      if (handler) await handler(event, tx);
    });
  }

  private async deadLetter(src: Omit<Parameters<typeof deadLetterMessage>[0], 'groupId'>): Promise<void> {
    await (this.producer as Producer).send({
      topic: dlqTopic(src.topic),
      acks: -1,
      messages: [deadLetterMessage({ ...src, groupId: this.opts.groupId })],
    });
  }

  private async commit(topic: string, partition: number, offset: string): Promise<void> {
    await (this.consumer as Consumer).commitOffsets([{ topic, partition, offset: (BigInt(offset) + 1n).toString() }]);
  }

  /** Waits `ms`, keeping the group membership alive; false when stop() cut it short. */
  private async backoff(ms: number, heartbeat: () => Promise<void>): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!this.stopping && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(1000, deadline - Date.now()));
        this.interruptBackoff = done;
        function done() {
          clearTimeout(timer);
          resolve();
        }
      });
      this.interruptBackoff = undefined;
      if (!this.stopping) await heartbeat();
    }
    return !this.stopping;
  }
}
