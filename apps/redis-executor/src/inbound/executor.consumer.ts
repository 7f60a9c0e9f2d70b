import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ConsumerRunner, KAFKA } from '@rotor/messaging';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { EXECUTOR_CONFIG, ExecutorConfig } from '../config';
import { RevocationRequestedHandler } from '../rotation/revocation-requested.handler';
import { RotationRequestedHandler } from '../rotation/rotation-requested.handler';
import { ServedCredentialsHandler } from '../verification/served-credentials.handler';

/**
 * Consumes the rotation topic through the ConsumerRunner (inbox claim + handler in one
 * transaction, bounded retries, then `<topic>.dlq`). Other event types on the topic have no
 * handler here and are skipped.
 */
@Injectable()
export class ExecutorConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ExecutorConsumer');
  private runner?: ConsumerRunner;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(EXECUTOR_CONFIG) private readonly config: ExecutorConfig,
    private readonly rotation: RotationRequestedHandler,
    private readonly revocation: RevocationRequestedHandler,
    private readonly served: ServedCredentialsHandler,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.runner = new ConsumerRunner(this.ds, this.kafka, {
      groupId: this.config.groupId,
      topics: [this.config.rotationTopic],
      handlers: {
        RotationRequested: (event, tx) => this.rotation.handle(event, tx),
        RevocationRequested: (event, tx) => this.revocation.handle(event, tx),
        // What the secret store serves, for continuous verification.
        RotationCompleted: (event, tx) => this.served.completed(event, tx),
        RotationDeleted: (event, tx) => this.served.deleted(event, tx),
      },
      logger: this.logger,
    });
    await this.runner.start();
  }

  // Before TypeORM closes the DataSource (onApplicationShutdown): the message in flight commits first.
  async onModuleDestroy(): Promise<void> {
    await this.runner?.stop();
  }
}
