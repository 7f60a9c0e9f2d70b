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

/** Listens to `SecretsUpdated` on the public topic and hands over the ones about `location`. */
export class SecretsUpdatedListener {
  private consumer: Consumer | null = null;

  constructor(
    private readonly config: KafkaUpdates,
    private readonly location: Required<CredentialLocation>,
    private readonly onAnnouncement: (a: Announcement) => Promise<void>,
    private readonly onInvalid: (reason: string) => void,
  ) {}

  /** Resolves once the consumer has joined its group (so an event published after this is seen). */
  async start(): Promise<void> {
    const kafka = new Kafka({
      clientId: this.config.clientId ?? 'rotor-redis-follower',
      brokers: this.config.brokers,
      ssl: this.config.ssl,
      sasl: this.config.sasl,
      logLevel: logLevel.NOTHING,
    });
    const consumer = kafka.consumer({ groupId: this.config.groupId ?? `rotor-redis-follower-${randomUUID()}` });
    this.consumer = consumer;
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.connect();
    await consumer.subscribe({ topic: TOPICS.secretsPublic, fromBeginning: false });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const reading = readSecretsUpdated(message.value, this.location);
        if (!reading.ok) return this.onInvalid(reading.reason);
        if (reading.announcement) await this.onAnnouncement(reading.announcement);
      },
    });
    await joined;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    this.consumer = null;
  }
}
