import { WakeableSleep } from '@rotor/util';
import { OUTBOX_CHANNEL, Outbox } from '@rotor/event-store';
import { Kafka, Message, Partitioners, Producer } from 'kafkajs';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { LoggerLike, jsonLogger } from './logger';
import { sessionClient } from './pg-session';
import { trackOutboxBacklog } from './metrics';
import { retentionFromEnv, schedulePrune } from './housekeeping';

export interface OutboxRelayOptions {
  /** Most rows published per Kafka request (default 500). */
  batchSize?: number;
  /** How often to look for rows without a NOTIFY, and to retry after an error (default 1000 ms). */
  pollIntervalMs?: number;
  /**
   * Published rows are deleted once older than this (default 24 h, or
   * ROTOR_OUTBOX_RETENTION_HOURS), by the active relay, every `pruneIntervalMs` (default 60 s).
   * Unpublished rows are never deleted.
   */
  retentionMs?: number;
  pruneIntervalMs?: number;
  /**
   * After each wake-up (a NOTIFY, or the poll), how long to wait before reading the outbox, so
   * that the rows committed meanwhile go out in the same batch (default 0: at once). For an outbox whose
   * events no request waits on: a statement and a Kafka request shared by many rows instead of
   * one each, for up to this much latency.
   */
  lingerMs?: number;
  logger?: LoggerLike;
}

interface OutboxRecord {
  id: string;
  topic: string;
  key: string;
  envelope: string;
}

/**
 * Marks the batch Kafka acknowledged ($1) and selects the next ($2 rows at most). The SELECT
 * reads the statement's snapshot, where the rows just marked still look unpublished: leave
 * them out by id. ORDER BY the column, not the text alias: '10' < '9'.
 */
export const NEXT_BATCH = `WITH marked AS (UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[]))
  SELECT o.id::text AS id, o.topic, o.key, o.envelope::text AS envelope FROM outbox o
   WHERE o.published_at IS NULL AND o.id <> ALL($1::bigint[]) ORDER BY o.id LIMIT $2`;

/**
 * The relay's session walks the unpublished-rows index in order, whatever the statistics say.
 * Marking a row published leaves a dead entry in that index until a vacuum. An index scan
 * flags each dead entry it passes, so the next select skips it; a bitmap scan (what the
 * planner picks without fresh statistics, e.g. with autovacuum off) visits every one of them
 * again on every select, a cost that grows with everything published since the last vacuum.
 */
export async function prepareRelaySession(session: Client): Promise<void> {
  await session.query('SET enable_bitmapscan = off');
  await session.query('SET enable_seqscan = off');
}

/** Session advisory lock held by the one active relay of a database ('ROT', 2). */
const RELAY_LOCK: [number, number] = [0x524f54, 2];

/**
 * Publishes outbox rows to Kafka: in id order as they commit (the writes of one aggregate commit
 * in id order, see Outbox in @rotor/event-store, so each key keeps its order), key = aggregate
 * id, through an idempotent producer (acks = all, one request in flight), and marks rows
 * published only after Kafka acknowledged them. A relay killed in between republishes
 * those rows on the next start: duplicates are possible (consumers dedupe through their
 * inbox), losses are not.
 *
 * One relay per database publishes at a time: the active one holds a session advisory lock,
 * the others stand by and take over when its session ends, so two app instances never publish
 * interleaved and never reorder a key.
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly logger: LoggerLike;
  private producer?: Producer;
  private session?: Client;
  private sessionBroken = false;
  private leader = false;
  private running = false;
  private loop?: Promise<void>;
  private readonly sleeper = new WakeableSleep();
  private untrackBacklog?: () => void;
  private stopPruning?: () => Promise<void>;
  private readonly retentionMs: number;
  private readonly pruneIntervalMs: number;
  private readonly lingerMs: number;
  /** Ids Kafka acknowledged and the outbox does not say so yet: marked with the next select. */
  private sent: string[] = [];

  constructor(
    private readonly ds: DataSource,
    private readonly kafka: Kafka,
    opts: OutboxRelayOptions = {},
  ) {
    this.batchSize = opts.batchSize ?? 500;
    this.pollIntervalMs = opts.pollIntervalMs ?? 1000;
    this.logger = opts.logger ?? jsonLogger('OutboxRelay');
    this.retentionMs = opts.retentionMs ?? retentionFromEnv('ROTOR_OUTBOX_RETENTION_HOURS', 24);
    this.pruneIntervalMs = opts.pruneIntervalMs ?? 60_000;
    this.lingerMs = Math.max(0, opts.lingerMs ?? 0);
  }

  /** Connects the producer and starts relaying (or standing by) in the background. */
  async start(): Promise<void> {
    if (this.running) return;
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    this.producer = producer;
    this.running = true;
    this.untrackBacklog = trackOutboxBacklog(() => this.backlog());
    this.loop = this.run();
    this.stopPruning = schedulePrune(
      'published outbox rows',
      this.pruneIntervalMs,
      async (limit) => (this.leader ? Outbox.prunePublished(this.ds, this.retentionMs, limit) : 0),
      this.logger,
    );
  }

  /** Finishes the batch in flight (publish and mark), then releases the lock and disconnects. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.untrackBacklog?.();
    await this.stopPruning?.();
    this.sleeper.interrupt();
    await this.loop;
    await this.producer?.disconnect();
    this.producer = undefined;
  }

  /** Rows not yet published. */
  async backlog(): Promise<number> {
    const [row]: { n: number }[] = await this.ds.query('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL');
    return row.n;
  }

  /** Whether this relay is the one publishing for its database right now. */
  isActive(): boolean {
    return this.leader;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        this.sleeper.clearWake();
        const session = await this.openSession();
        if (!this.leader) {
          const [{ locked }] = (await session.query('SELECT pg_try_advisory_lock($1, $2) AS locked', RELAY_LOCK)).rows;
          this.leader = locked === true;
          if (this.leader) this.logger.log('outbox relay active for this database');
        }
        if (this.leader) await this.drain(session);
      } catch (e) {
        this.logger.error('outbox relay failed; retrying', { error: (e as Error).message });
        await this.closeSession();
        await this.sleep(this.pollIntervalMs, { wakeable: false });
        continue;
      }
      await this.sleep(this.pollIntervalMs, { wakeable: true });
      if (this.lingerMs > 0) await this.sleep(this.lingerMs, { wakeable: false });
    }
    await this.markSent().catch((e: Error) => this.logger.warn('could not mark the last batch published; it is published again', { error: e.message }));
    await this.closeSession();
  }

  /**
   * Publishes batches until the outbox is empty or the relay stops: one statement per batch,
   * which marks the batch Kafka acknowledged before and selects the next. The last batch of a
   * drain is marked by the next drain's first statement (the next NOTIFY or poll), or on stop;
   * a crash before that publishes it again, which consumers' inboxes absorb.
   */
  private async drain(session: Client): Promise<void> {
    const producer = this.producer as Producer;
    while (this.running && !this.sessionBroken) {
      const { rows } = await session.query<OutboxRecord>(NEXT_BATCH, [this.sent, this.batchSize]);
      this.sent = [];
      if (rows.length === 0) return;
      await producer.sendBatch({ acks: -1, topicMessages: byTopic(rows) });
      this.sent = rows.map((r) => r.id);
      if (rows.length < this.batchSize) return;
    }
    if (this.sessionBroken) throw new Error('lost the database session');
  }

  /** Marks what Kafka acknowledged, while this relay still holds the lock. */
  private async markSent(): Promise<void> {
    const ids = this.sent;
    this.sent = [];
    if (ids.length === 0 || !this.leader || !this.session || this.sessionBroken) return;
    await this.session.query('UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])', [ids]);
  }

  private async openSession(): Promise<Client> {
    if (this.session && !this.sessionBroken) return this.session;
    await this.closeSession();
    const client = sessionClient(this.ds, 'rotor-outbox-relay');
    client.on('error', (e) => {
      // The session is gone, and with it the lock: stop publishing until a new one holds it.
      this.logger.warn('outbox relay lost its database session', { error: e.message });
      this.sessionBroken = true;
      this.leader = false;
      this.sleeper.wake();
    });
    client.on('notification', () => this.sleeper.wake());
    this.sessionBroken = false;
    this.session = client;
    await client.connect();
    await prepareRelaySession(client);
    await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    return client;
  }

  private async closeSession(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    this.sent = []; // without the lock they are not ours to mark; whoever holds it next publishes them again
    if (this.leader) this.logger.log('outbox relay released this database');
    this.leader = false;
    // Ending the session releases the advisory lock and the LISTEN.
    await session?.end().catch(() => undefined);
  }

  /** Sleeps unless stopping; a NOTIFY (or a row committed while draining) cuts it short. */
  private sleep(ms: number, opts: { wakeable: boolean }): Promise<void> {
    return this.running ? this.sleeper.sleep(ms, opts) : Promise.resolve();
  }
}

/** Groups rows by topic, keeping id order within each topic (and so within each key). */
function byTopic(rows: OutboxRecord[]): { topic: string; messages: Message[] }[] {
  const topics = new Map<string, Message[]>();
  for (const row of rows) {
    const messages = topics.get(row.topic) ?? [];
    messages.push({ key: row.key, value: row.envelope });
    topics.set(row.topic, messages);
  }
  return [...topics].map(([topic, messages]) => ({ topic, messages }));
}
