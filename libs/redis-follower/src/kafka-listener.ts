import { TOPICS } from '@rotor/contracts';
import { Kafka, logLevel, type Consumer, type KafkaConfig } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import type { CredentialLocation } from './credential';
import { readSecretsUpdated, type Announcement } from './secrets-updated';

export interface KafkaUpdates {
  brokers: string[];
  /**
   * Consumer group. Every instance of an application must see every event, so the default is
   * a group of its own (`rotor-redis-follower-<uuid>`) that starts at the end of the topic.
   */
  groupId?: string;
  clientId?: string;
  ssl?: KafkaConfig['ssl'];
  sasl?: KafkaConfig['sasl'];
}

/** First wait before a consumer kafkajs gave up on is started again; doubles per failure. */
const RESTART_DELAY_MS = 1_000;
const MAX_RESTART_DELAY_MS = 30_000;

export interface ListenerEvents {
  onAnnouncement: (a: Announcement) => Promise<void>;
  onInvalid: (reason: string) => void;
  /** The consumer stopped on an error kafkajs does not restart from, or could not start again. */
  onFailure: (error: Error) => void;
  /** A consumer runs again after a failure: events may have been missed meanwhile. */
  onResumed: () => void;
}

/**
 * Listens to `SecretsUpdated` on the public topic and hands over the ones about `location`.
 * kafkajs restarts its consumer after a retriable error only; after any other (a group
 * coordinator it could not find while a broker restarted, say) this starts a new one, in the
 * same group, waiting longer after each failure, until it runs or stop() is called.
 */
export class SecretsUpdatedListener {
  private consumer: Consumer | null = null;
  private readonly kafka: Kafka;
  private readonly groupId: string;
  private stopped = false;
  private restartTimer: NodeJS.Timeout | null = null;

  constructor(
    config: KafkaUpdates,
    private readonly location: Required<CredentialLocation>,
    private readonly events: ListenerEvents,
  ) {
    this.kafka = new Kafka({
      clientId: config.clientId ?? 'rotor-redis-follower',
      brokers: config.brokers,
      ssl: config.ssl,
      sasl: config.sasl,
      logLevel: logLevel.NOTHING,
    });
    this.groupId = config.groupId ?? `rotor-redis-follower-${randomUUID()}`;
  }

  /** Resolves once the consumer has joined its group (so an event published after this is seen). */
  async start(): Promise<void> {
    this.stopped = false;
    await this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const consumer = this.consumer;
    this.consumer = null;
    await consumer?.disconnect();
  }

  private async run(): Promise<void> {
    const consumer = this.kafka.consumer({ groupId: this.groupId });
    this.consumer = consumer;
    let hasJoined = false;
    const joined = new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.GROUP_JOIN, () => {
        hasJoined = true;
        resolve();
      });
      consumer.on(consumer.events.DISCONNECT, () => reject(new Error('the listener was stopped')));
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (payload.restart) return;
        if (!hasJoined) return reject(payload.error);
        if (this.consumer !== consumer || this.stopped) return;
        this.events.onFailure(payload.error);
        this.scheduleRestart(RESTART_DELAY_MS);
      });
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: TOPICS.secretsPublic, fromBeginning: false });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const reading = readSecretsUpdated(message.value, this.location);
          if (!reading.ok) return this.events.onInvalid(reading.reason);
          if (reading.announcement) await this.events.onAnnouncement(reading.announcement);
        },
      });
      await joined;
    } catch (e) {
      if (this.consumer === consumer) this.consumer = null;
      await consumer.disconnect().catch(() => undefined);
      throw e;
    }
  }

  private scheduleRestart(delay: number): void {
    if (this.stopped || this.restartTimer) return;
    this.consumer = null;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.stopped) return;
      this.run().then(
        () => this.events.onResumed(),
        (e: Error) => {
          if (this.stopped) return;
          this.events.onFailure(e);
          this.scheduleRestart(Math.min(MAX_RESTART_DELAY_MS, delay * 2));
        },
      );
    }, delay);
    this.restartTimer.unref();
  }
}
