import { AnyEnvelope, Envelope, EventType, Topic, dlqTopic, parseEnvelope } from '@rotor/contracts';
import { Inbox } from '@rotor/event-store';
import { isDatabaseUnavailable, isPermanentFailure } from '@rotor/util';
import { Consumer, EachBatchPayload, Kafka, KafkaMessage, Partitioners, Producer } from 'kafkajs';
import { DataSource, EntityManager } from 'typeorm';
import { deadLetterMessage, describeError, withoutPasswords } from './dead-letter';
import { LoggerLike, jsonLogger } from './logger';
import { consumerLag } from './metrics';
import { retentionFromEnv, schedulePrune } from './housekeeping';
import { DEFAULT_PARTITIONS } from './topics';

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
  /**
   * Runs once per transaction, after the inbox claim and before the first handler, with the
   * events about to be applied (claimed, of a handled type, in order): the place to do in one
   * statement what their handlers would each do on their own (read, lock, or apply events that
   * nothing else in the transaction touches, so their order still holds). A failure here counts
   * as the first event's.
   */
  prepare?: (events: AnyEnvelope[], tx: EntityManager, ahead: Record<string, unknown>[]) => Promise<void>;
  /**
   * A read to send with the inbox claim, in its statement (Inbox.claimAllWith): a SELECT with
   * its values written into the text, for the events a transaction is about to claim (of
   * handled types, duplicates included), or null for none. Its rows, as JSON objects, are
   * `prepare`'s `ahead`: what prepare would read, or lock, without a round trip of its own. A
   * failure here counts as the first event's.
   */
  readAhead?: (events: AnyEnvelope[]) => string | null;
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
  /**
   * Most messages of one partition applied in one transaction, with one offset commit after
   * it (default 50, or KAFKA_CONSUMER_BATCH_SIZE). 1 = a transaction per message.
   */
  maxBatchSize?: number;
  /**
   * Partitions handled at the same time, each in its own transaction (default 6, the
   * partitions of a Rotor topic, or KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY); within a
   * partition, messages stay in order.
   */
  partitionsConsumedConcurrently?: number;
  /**
   * Offsets of handled messages are committed together, at most this often (default 1000 ms,
   * or KAFKA_CONSUMER_COMMIT_INTERVAL_MS; 0 = after every chunk), and always on stop(). A
   * crash redelivers up to that much, which the inbox makes harmless; it never loses any.
   */
  commitIntervalMs?: number;
  /**
   * A fetch answers once it has this many bytes (default 1, or KAFKA_CONSUMER_MIN_BYTES) or
   * after `maxWaitMs` (default 500, or KAFKA_CONSUMER_MAX_WAIT_MS): an event is handed over as
   * soon as it is there, and the events that arrive while a chunk is applied come together in
   * the next fetch. Lingering for bigger fetches (4096 bytes, 25 ms) cost more than it saved:
   * every consumer then asked 40 times a second whether or not anything came, which with no
   * rotation at all kept the six services at 36 % of a core and the broker at 17 % (16 % and
   * 6 % with a fetch that answers at once), and it added up to 25 ms a hop.
   */
  minBytes?: number;
  maxWaitMs?: number;
  /**
   * Chunks of different partitions that one fetch hands over together share one transaction
   * (default true, or KAFKA_CONSUMER_SHARE_PARTITIONS=false): one claim statement and one
   * commit for all of them instead of one per partition. Their handlers then run one after
   * the other; a consumer whose handlers wait on slow I/O (the executor's Redis round trips)
   * keeps a transaction per partition, so partitions still overlap.
   */
  sharePartitions?: boolean;
  /**
   * Inbox claims of this group older than this are deleted (default 168 h, or
   * ROTOR_INBOX_RETENTION_HOURS), every `pruneIntervalMs` (default 10 min). Keep it at least
   * the topics' retention in Kafka (24 h in tools/kafka), so a redelivery always finds its claim.
   */
  inboxRetentionMs?: number;
  pruneIntervalMs?: number;
  logger?: LoggerLike;
}

const MAX_BACKOFF_MS = 30_000;
/** Longest wait between two tries while the database is unavailable. */
const MAX_OUTAGE_BACKOFF_MS = 5_000;
const DEFAULT_SESSION_TIMEOUT_MS = 15_000;
const DEFAULT_BATCH_SIZE = 50;
const DEFAULT_COMMIT_INTERVAL_MS = 1000;
const DEFAULT_MIN_BYTES = 1;
const DEFAULT_MAX_WAIT_MS = 500;
/** First wait before a consumer kafkajs gave up on is started again; doubles per failure. */
const RESTART_DELAY_MS = 1000;
const MAX_RESTART_DELAY_MS = 30_000;

type AnyHandler = (event: AnyEnvelope, tx: EntityManager) => Promise<void>;

/** A partition's chunk waiting for the shared transaction of its fetch. */
interface SharedPart {
  events: AnyEnvelope[];
  settle: (outcome: SharedOutcome) => void;
}

/**
 * How the shared transaction went for one part: applied (committed); `alone` (it rolled back
 * because of another part's event, or the runner is stopping: go on as if never tried); or
 * failed at its own event `at` (-1: the commit failed, no event to blame).
 */
type SharedOutcome = { applied: true } | { applied: false; alone: true } | { applied: false; alone: false; at: number; error: unknown };

/**
 * Consumes `topics` and applies each event exactly once per group, in partition order:
 *
 * - the message is parsed with the contracts; an invalid one goes to the DLQ with the reason
 *   (the payload is checked only for the types this group handles: it reads no other);
 * - a valid one is claimed in the inbox and handled in ONE transaction; a redelivered event
 *   finds its claim and is skipped; one of a type this group has no handler for is passed
 *   over without a claim or a transaction;
 * - a failing handler is retried with exponential backoff, `maxAttempts` times in all, then
 *   the message goes to `<topic>.dlq` with the error in its headers and the partition moves on;
 *   a failure because the database is unavailable (isDatabaseUnavailable) is no attempt: the
 *   partition waits for the database, however long, rather than park good messages;
 * - only then is offset + 1 committed (autoCommit is off), so a crash at any point redelivers
 *   rather than loses. Commits of all partitions go together, at most every
 *   `commitIntervalMs`, and on stop().
 *
 * Throughput: up to `maxBatchSize` consecutive messages of a partition share that one
 * transaction (their claims, in one statement, and effects commit together, in order), and
 * so do the chunks of every partition one fetch brought (`sharePartitions`); without it,
 * `partitionsConsumedConcurrently` partitions are handled at once. When a handler fails
 * inside a shared transaction, everything in it rolls back; the messages before the failing
 * one are applied again, the failing one goes on alone from its second attempt, and the rest
 * continue — so each message still commits exactly once, in order, or goes to the DLQ.
 *
 * stop() lets the transaction in flight finish (and commit), then leaves the group.
 */
export class ConsumerRunner {
  private readonly maxAttempts: number;
  private readonly backoffMs: number;
  private readonly logger: LoggerLike;
  private consumer?: Consumer;
  private producer?: Producer;
  private readonly maxBatchSize: number;
  private readonly concurrency: number;
  private stopping = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly interruptBackoff = new Set<() => void>();
  private readonly inboxRetentionMs: number;
  private stopPruning?: () => Promise<void>;
  /** Set while a consumer that crashed for good is replaced (recover). */
  private recovering?: Promise<void>;
  /** Crashes kafkajs gave up on, so far: tells a recovery whether another one replaced it. */
  private crashes = 0;
  private readonly commitIntervalMs: number;
  /** Next offset to commit per partition ("topic|partition"), of messages already done. */
  private readonly pendingCommits = new Map<string, { topic: string; partition: number; offset: string }>();
  private lastCommitAt = 0;
  private commitTimer?: NodeJS.Timeout;
  private committing?: Promise<void>;
  private readonly sharePartitions: boolean;
  /** Chunks handed over since the last turn of the event loop, applied together by applyShared. */
  private sharing?: SharedPart[];

  constructor(
    private readonly ds: DataSource,
    private readonly kafka: Kafka,
    private readonly opts: ConsumerRunnerOptions,
  ) {
    this.maxAttempts = Math.max(1, opts.maxAttempts ?? 5);
    this.backoffMs = opts.backoffMs ?? 200;
    this.logger = opts.logger ?? jsonLogger(`ConsumerRunner:${opts.groupId}`);
    this.maxBatchSize = Math.max(1, opts.maxBatchSize ?? Number(process.env['KAFKA_CONSUMER_BATCH_SIZE'] || DEFAULT_BATCH_SIZE));
    this.concurrency = Math.max(
      1,
      opts.partitionsConsumedConcurrently ?? Number(process.env['KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY'] || DEFAULT_PARTITIONS),
    );
    this.commitIntervalMs = Math.max(
      0,
      opts.commitIntervalMs ?? Number(process.env['KAFKA_CONSUMER_COMMIT_INTERVAL_MS'] || DEFAULT_COMMIT_INTERVAL_MS),
    );
    this.inboxRetentionMs = opts.inboxRetentionMs ?? retentionFromEnv('ROTOR_INBOX_RETENTION_HOURS', 168);
    this.sharePartitions = opts.sharePartitions ?? process.env['KAFKA_CONSUMER_SHARE_PARTITIONS'] !== 'false';
  }

  async start(): Promise<void> {
    if (this.consumer || this.recovering) return;
    this.stopping = false;
    await this.connectAndRun();
    this.stopPruning = schedulePrune(
      `inbox claims of ${this.opts.groupId}`,
      this.opts.pruneIntervalMs ?? 600_000,
      (limit) => Inbox.prune(this.ds, this.opts.groupId, this.inboxRetentionMs, limit),
      this.logger,
    );
  }

  /**
   * The group has been joined and its messages are consumed: false from a crash that kafkajs
   * gave up on until the consumer runs again, and once stopped.
   */
  isConsuming(): boolean {
    return this.consumer !== undefined && !this.recovering && !this.stopping;
  }

  private async connectAndRun(): Promise<void> {
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    const sessionTimeout = this.opts.sessionTimeoutMs ?? Number(process.env['KAFKA_SESSION_TIMEOUT_MS'] || DEFAULT_SESSION_TIMEOUT_MS);
    const consumer = this.kafka.consumer({
      groupId: this.opts.groupId,
      minBytes: this.opts.minBytes ?? Number(process.env['KAFKA_CONSUMER_MIN_BYTES'] || DEFAULT_MIN_BYTES),
      maxWaitTimeInMs: this.opts.maxWaitMs ?? Number(process.env['KAFKA_CONSUMER_MAX_WAIT_MS'] || DEFAULT_MAX_WAIT_MS),
      sessionTimeout,
      heartbeatInterval: Math.max(500, Math.floor(sessionTimeout / 5)),
    });
    try {
      await producer.connect();
      await consumer.connect();
      await consumer.subscribe({ topics: this.opts.topics, fromBeginning: true });
    } catch (e) {
      await Promise.allSettled([consumer.disconnect(), producer.disconnect()]);
      throw e;
    }
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      consumerLag.set({ group: this.opts.groupId, topic: payload.topic, partition: String(payload.partition) }, Number(payload.offsetLag));
    });
    // kafkajs restarts a crashed consumer only after a retriable error. After any other (a
    // group coordinator it could not find while a broker restarted, say) it has disconnected
    // and stays so: the service would look alive and consume nothing, for good.
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || this.stopping || this.consumer !== consumer) return;
      this.logger.error('the Kafka consumer crashed and kafkajs will not restart it; starting it again', {
        error: payload.error.message,
      });
      // A crash of a consumer that recover() itself started replaces that recovery.
      const recovery: Promise<void> = this.recover(++this.crashes).finally(() => {
        if (this.recovering === recovery) this.recovering = undefined;
      });
      this.recovering = recovery;
    });
    this.producer = producer;
    this.consumer = consumer;
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.concurrency,
      eachBatch: (payload) => {
        const handling = this.handleBatch(payload);
        const settled = handling.catch(() => undefined);
        this.inFlight.add(settled);
        void settled.then(() => this.inFlight.delete(settled));
        return handling;
      },
    });
  }

  /**
   * After a crash kafkajs gave up on: lets the transactions in flight end (their offsets are
   * dropped, the inbox makes the redelivery harmless), then connects a new consumer and
   * producer, waiting longer after each failure, until one runs or stop() is called.
   */
  private async recover(crash: number): Promise<void> {
    await Promise.all([...this.inFlight]);
    clearTimeout(this.commitTimer);
    this.commitTimer = undefined;
    this.pendingCommits.clear();
    const crashed = [this.consumer, this.producer];
    this.consumer = undefined;
    this.producer = undefined;
    await Promise.allSettled(crashed.map((client) => client?.disconnect()));
    for (let delay = RESTART_DELAY_MS; ; delay = Math.min(MAX_RESTART_DELAY_MS, delay * 2)) {
      if (!(await this.sleep(delay))) return;
      try {
        await this.connectAndRun();
        // Unless the new consumer crashed too, before it joined: then a new recovery runs.
        if (this.crashes === crash) this.logger.log('the Kafka consumer runs again', { groupId: this.opts.groupId });
        return;
      } catch (e) {
        this.logger.error('could not start the Kafka consumer again; retrying', { error: (e as Error).message, retryInMs: delay * 2 });
      }
    }
  }

  async stop(): Promise<void> {
    if (!this.consumer && !this.recovering) return;
    this.stopping = true;
    await this.stopPruning?.();
    for (const interrupt of this.interruptBackoff) interrupt();
    while (this.recovering) await this.recovering;
    if (!this.consumer) return;
    // kafkajs ignores commits once its consumer is stopping, so the transactions in flight
    // must finish and commit before we disconnect.
    await Promise.all([...this.inFlight]);
    clearTimeout(this.commitTimer);
    this.commitTimer = undefined;
    await this.flushCommits().catch((e: Error) => this.logger.warn('could not commit offsets on stop; they are redelivered', { error: e.message }));
    await this.consumer.disconnect();
    await this.producer?.disconnect();
    this.consumer = undefined;
    this.producer = undefined;
    this.pendingCommits.clear();
  }

  private async handleBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { topic, partition, messages } = batch;
    for (let i = 0; i < messages.length; i += this.maxBatchSize) {
      // Stopping, or the partition moved to another member: leave the rest uncommitted.
      if (this.stopping || !isRunning() || isStale()) return;
      const chunk = messages.slice(i, i + this.maxBatchSize);
      if (!(await this.handleSharing(topic, partition, chunk, heartbeat))) return;
      resolveOffset(chunk[chunk.length - 1].offset);
      await heartbeat();
    }
  }

  /**
   * Like handleChunk, but first offers the chunk to the transaction shared by every partition's
   * chunk of the same fetch (kafkajs hands them to its workers in one turn of the event loop).
   * Whatever that transaction could not apply goes the usual way, so failures, retries and the
   * DLQ work exactly as for a chunk alone.
   */
  private async handleSharing(topic: string, partition: number, chunk: KafkaMessage[], heartbeat: () => Promise<void>): Promise<boolean> {
    const events = this.sharePartitions && !this.stopping ? parseAll(chunk, this.reads) : undefined;
    if (!events) return this.handleChunk(topic, partition, chunk, heartbeat);
    const outcome = await new Promise<SharedOutcome>((settle) => this.share({ events, settle }));
    if (outcome.applied) {
      await this.done(topic, partition, chunk[chunk.length - 1].offset);
      return true;
    }
    if (outcome.alone) return this.handleChunk(topic, partition, chunk, heartbeat);
    return this.afterFailure(topic, partition, chunk, heartbeat, outcome.at, outcome.error);
  }

  private share(part: SharedPart): void {
    if (this.sharing) {
      this.sharing.push(part);
      return;
    }
    const parts = (this.sharing = [part]);
    setImmediate(() => {
      this.sharing = undefined;
      void this.applyShared(parts);
    });
  }

  /** One transaction for the parts gathered in one turn (often just one). */
  private async applyShared(parts: SharedPart[]): Promise<void> {
    if (this.stopping) {
      for (const p of parts) p.settle({ applied: false, alone: true });
      return;
    }
    const events = parts.flatMap((p) => p.events);
    let at = -1;
    try {
      await this.applyAll(events, (i) => (at = i));
    } catch (error) {
      // Pin the failure on the part whose event failed; the others never failed themselves.
      let start = 0;
      for (const p of parts) {
        const mine = at >= start && at < start + p.events.length;
        p.settle(mine || at < 0 ? { applied: false, alone: false, at: mine ? at - start : -1, error } : { applied: false, alone: true });
        start += p.events.length;
      }
      return;
    }
    for (const p of parts) p.settle({ applied: true });
  }

  /**
   * Applies consecutive messages of one partition and commits the offset after the last;
   * false when stop() cut it short (what was not committed is redelivered).
   */
  private async handleChunk(topic: string, partition: number, chunk: KafkaMessage[], heartbeat: () => Promise<void>): Promise<boolean> {
    if (chunk.length === 0) return true;
    if (chunk.length === 1) return this.handleOne(topic, partition, chunk[0], heartbeat);
    const events = parseAll(chunk, this.reads);
    // An invalid message goes to the DLQ on its own, in its place.
    if (!events) {
      for (const message of chunk) if (!(await this.handleOne(topic, partition, message, heartbeat))) return false;
      return true;
    }
    let at = -1;
    try {
      await this.applyAll(events, (i) => (at = i));
    } catch (e) {
      return this.afterFailure(topic, partition, chunk, heartbeat, at, e);
    }
    await this.done(topic, partition, chunk[chunk.length - 1].offset);
    return true;
  }

  /**
   * After the chunk's transaction rolled back because its message `at` failed with `error`:
   * the messages before it are applied again, it goes on alone (that failure was its first
   * attempt), then the rest. `at` < 0: the commit itself failed, so each message goes alone.
   */
  private async afterFailure(
    topic: string,
    partition: number,
    chunk: KafkaMessage[],
    heartbeat: () => Promise<void>,
    at: number,
    error: unknown,
  ): Promise<boolean> {
    if (at < 0) {
      for (const message of chunk) if (!(await this.handleOne(topic, partition, message, heartbeat))) return false;
      return true;
    }
    if (!(await this.handleChunk(topic, partition, chunk.slice(0, at), heartbeat))) return false;
    if (!(await this.handleOne(topic, partition, chunk[at], heartbeat, error))) return false;
    return this.handleChunk(topic, partition, chunk.slice(at + 1), heartbeat);
  }

  /**
   * One message in its own transaction, with retries, then the DLQ; then its offset is
   * committed. `firstFailure`: its first attempt already failed (in a shared transaction).
   */
  private async handleOne(
    topic: string,
    partition: number,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
    firstFailure?: unknown,
  ): Promise<boolean> {
    // Stopping: leave it uncommitted; the group's next member gets it.
    if (this.stopping) return false;
    const parsed = parseEnvelope(message.value, this.reads);
    if (!parsed.ok) {
      this.logger.warn('invalid message sent to the DLQ', { topic, partition, offset: message.offset, reason: parsed.reason });
      await this.deadLetter({ topic, partition, message, attempts: 0, error: parsed.reason });
      await this.done(topic, partition, message.offset, { now: true });
      return true;
    }

    const event = parsed.event;
    let pendingFailure = firstFailure;
    let deadLettered = false;
    for (let attempt = 1, outages = 0; ; attempt++) {
      try {
        if (pendingFailure !== undefined) {
          const failure = pendingFailure;
          pendingFailure = undefined;
          throw failure;
        }
        await this.applyAll([event]);
        break;
      } catch (e) {
        const error = withoutPasswords(describeError(e), message.value);
        const where = { topic, partition, offset: message.offset, eventId: event.eventId, type: event.type, attempt, error };
        if (isDatabaseUnavailable(e)) {
          // The database is down (restart, failover), not the message at fault: wait for it,
          // heartbeating, without using up the message's attempts; parking it on the DLQ
          // would lose work that succeeds as soon as the database is back.
          this.logger.warn('database unavailable; waiting for it', where);
          const delay = Math.min(this.backoffMs * 2 ** Math.min(outages++, 10), MAX_OUTAGE_BACKOFF_MS);
          if (!(await this.backoff(delay, heartbeat))) return false;
          attempt--;
          continue;
        }
        // A failure that says a retry cannot help (isPermanentFailure) goes at once: retrying
        // would only hold up the partition's good messages behind it.
        if (attempt >= this.maxAttempts || isPermanentFailure(e)) {
          this.logger.error('handler failed for good; message sent to the DLQ', where);
          await this.deadLetter({ topic, partition, message, attempts: attempt, error });
          deadLettered = true;
          break;
        }
        this.logger.warn('handler failed; retrying', where);
        const completed = await this.backoff(Math.min(this.backoffMs * 2 ** (attempt - 1), MAX_BACKOFF_MS), heartbeat);
        if (!completed) return false; // stopping: redelivered later, never half-applied
      }
    }
    // A dead-lettered message is committed at once: redelivered, it would be dead-lettered again.
    await this.done(topic, partition, message.offset, { now: deadLettered });
    return true;
  }

  /**
   * Inbox claims and handlers in one transaction, in order: all happen, or none. `onEvent`
   * learns which event is being applied, so a failure can be pinned on it. Events this group
   * has no handler for are neither claimed nor applied; with nothing else, no transaction.
   */
  private async applyAll(events: AnyEnvelope[], onEvent?: (index: number) => void): Promise<void> {
    const handled = events.filter((e) => this.handlerOf(e));
    if (handled.length === 0) return;
    const readAhead = this.opts.readAhead?.(handled) ?? null;
    await this.ds.transaction(async (tx) => {
      const ids = handled.map((e) => e.eventId.toLowerCase());
      if (readAhead !== null) onEvent?.(events.indexOf(handled[0]));
      const { claimed, ahead } = readAhead === null
        ? { claimed: await Inbox.claimAll(tx, this.opts.groupId, ids), ahead: [] }
        : await Inbox.claimAllWith(tx, this.opts.groupId, ids, readAhead);
      const apply: { index: number; event: AnyEnvelope; handler: AnyHandler }[] = [];
      for (const [index, event] of events.entries()) {
        const handler = this.handlerOf(event);
        // Claimed now, and not already applied earlier in this transaction (a duplicate).
        if (handler && claimed.delete(event.eventId.toLowerCase())) apply.push({ index, event, handler });
      }
      if (apply.length > 0 && this.opts.prepare) {
        onEvent?.(apply[0].index);
        await this.opts.prepare(apply.map((a) => a.event), tx, ahead);
      }
      for (const { index, event, handler } of apply) {
        onEvent?.(index);
        await handler(event, tx);
      }
      onEvent?.(-1);
    });
  }

  /** Types this group has a handler for: only their payloads are checked (and read). */
  private readonly reads = (type: EventType): boolean => this.opts.handlers[type] !== undefined;

  private handlerOf(event: AnyEnvelope): AnyHandler | undefined {
    return this.opts.handlers[event.type] as AnyHandler | undefined;
  }

  private async deadLetter(src: Omit<Parameters<typeof deadLetterMessage>[0], 'groupId'>): Promise<void> {
    await (this.producer as Producer).send({
      topic: dlqTopic(src.topic),
      acks: -1,
      messages: [deadLetterMessage({ ...src, groupId: this.opts.groupId })],
    });
  }

  /**
   * Marks a partition done up to `offset` (applied, passed over or dead-lettered): offset + 1
   * is committed with every other partition's, at once when `now` or when the last commit is
   * `commitIntervalMs` old, else by a timer.
   */
  private async done(topic: string, partition: number, offset: string, opts: { now?: boolean } = {}): Promise<void> {
    this.pendingCommits.set(`${topic}|${partition}`, { topic, partition, offset: (BigInt(offset) + 1n).toString() });
    if (opts.now || Date.now() - this.lastCommitAt >= this.commitIntervalMs) {
      await this.flushCommits();
      return;
    }
    if (this.commitTimer || this.stopping) return;
    this.commitTimer = setTimeout(() => {
      this.commitTimer = undefined;
      this.flushCommits().catch((e: Error) => this.logger.warn('offset commit failed; retried with the next', { error: e.message }));
    }, Math.max(0, this.lastCommitAt + this.commitIntervalMs - Date.now()));
  }

  /** Commits every pending offset in one request; one commit at a time, so none goes backwards. */
  private async flushCommits(): Promise<void> {
    while (this.committing) await this.committing;
    if (this.pendingCommits.size === 0 || !this.consumer) return;
    const offsets = [...this.pendingCommits.values()];
    this.pendingCommits.clear();
    this.lastCommitAt = Date.now();
    const commit = this.consumer.commitOffsets(offsets).catch((e: unknown) => {
      // Put back what no newer offset replaced, for the next commit.
      for (const o of offsets) if (!this.pendingCommits.has(`${o.topic}|${o.partition}`)) this.pendingCommits.set(`${o.topic}|${o.partition}`, o);
      throw e;
    });
    this.committing = commit.then(
      () => undefined,
      () => undefined,
    ).finally(() => (this.committing = undefined));
    await commit;
  }

  /** Waits `ms`, keeping the group membership alive; false when stop() cut it short. */
  private async backoff(ms: number, heartbeat: () => Promise<void>): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!this.stopping && Date.now() < deadline) {
      await this.sleep(Math.min(1000, deadline - Date.now()));
      if (!this.stopping) await heartbeat();
    }
    return !this.stopping;
  }

  /** Waits `ms`, or less when stop() is called; false when stopping. */
  private async sleep(ms: number): Promise<boolean> {
    if (this.stopping) return false;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      const interrupts = this.interruptBackoff;
      interrupts.add(done);
      function done() {
        clearTimeout(timer);
        interrupts.delete(done);
        resolve();
      }
    });
    return !this.stopping;
  }
}

/** The chunk's events, or undefined when any message of it is not a valid event. */
function parseAll(chunk: KafkaMessage[], reads: (type: EventType) => boolean): AnyEnvelope[] | undefined {
  const events: AnyEnvelope[] = [];
  for (const m of chunk) {
    const parsed = parseEnvelope(m.value, reads);
    if (!parsed.ok) return undefined;
    events.push(parsed.event);
  }
  return events;
}
