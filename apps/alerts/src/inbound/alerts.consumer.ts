import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { TOPICS } from '@rotor/contracts';
import { ConsumerRunner, KAFKA } from '@rotor/messaging';
import { CLOCK, Clock } from '@rotor/util';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { ALERTS_CONFIG, AlertsConfig } from '../config';
import { alertHandlers } from './alert-handlers';

/**
 * Reads rotation events (RotationCreated/Updated for names, RotationCompleted and
 * RotationAttemptFailed), the scheduler's RotationGaveUp and the public SecretsUpdated. The
 * runner claims each event in the inbox and runs its handler in one transaction, then commits
 * the offset: a redelivered event queues nothing twice.
 */
@Injectable()
export class AlertsConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('AlertsConsumer');
  private readonly runner: ConsumerRunner;
  private running = false;

  constructor(ds: DataSource, @Inject(KAFKA) kafka: Kafka, @Inject(ALERTS_CONFIG) config: AlertsConfig, @Inject(CLOCK) clock: Clock) {
    this.runner = new ConsumerRunner(ds, kafka, {
      groupId: config.consumer.groupId,
      topics: [TOPICS.rotationEvents, TOPICS.schedulerEvents, TOPICS.secretsPublic],
      maxAttempts: config.consumer.maxAttempts,
      backoffMs: config.consumer.backoffMs,
      logger: this.logger,
      handlers: alertHandlers(clock),
    });
  }

  isRunning(): boolean {
    return this.running;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.runner.start();
    this.running = true;
  }

  async onModuleDestroy(): Promise<void> {
    this.running = false;
    await this.runner.stop();
  }
}
