import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { TOPICS } from '@rotor/contracts';
import { ConsumerRunner, KAFKA } from '@rotor/messaging';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { SECRET_STORE_CONFIG, SecretStoreConfig } from '../config';
import { ReleaseRotationSecretsCommand } from '../rotations/commands/release-rotation-secrets.command';
import { SettleTimedOutJobCommand } from '../rotations/commands/settle-timed-out-job.command';
import { StoreRotatedCredentialsCommand } from '../rotations/commands/store-rotated-credentials.command';

/**
 * Feeds CredentialsRotated and RotationTimedOut (executor events) and RotationDeleted
 * (rotation events) to their command handlers. The runner claims each event in the inbox and runs the handler in one
 * transaction, then commits the offset; every other event on those topics is skipped.
 */
@Injectable()
export class SecretStoreConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('SecretStoreConsumer');
  private readonly runner: ConsumerRunner;
  private running = false;

  constructor(
    ds: DataSource,
    @Inject(KAFKA) kafka: Kafka,
    commands: CommandBus,
    @Inject(SECRET_STORE_CONFIG) config: SecretStoreConfig,
  ) {
    this.runner = new ConsumerRunner(ds, kafka, {
      groupId: config.consumer.groupId,
      topics: [TOPICS.executorEvents, TOPICS.rotationEvents],
      maxAttempts: config.consumer.maxAttempts,
      backoffMs: config.consumer.backoffMs,
      logger: this.logger,
      handlers: {
        CredentialsRotated: async (event, tx) => {
          await commands.execute(new StoreRotatedCredentialsCommand(event, tx));
        },
        RotationTimedOut: async (event, tx) => {
          await commands.execute(new SettleTimedOutJobCommand(event, tx));
        },
        RotationDeleted: async (event, tx) => {
          await commands.execute(new ReleaseRotationSecretsCommand(event, tx));
        },
      },
    });
  }

  /** For readiness: the group has been joined and messages are being consumed. */
  isRunning(): boolean {
    return this.running;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.runner.start();
    this.running = true;
  }

  // Before TypeORM closes the DataSource: the message in flight finishes and commits first.
  async onModuleDestroy(): Promise<void> {
    this.running = false;
    await this.runner.stop();
  }
}
