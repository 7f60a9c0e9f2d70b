import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { ConsumerRunner, KAFKA, ensureTopics } from '@rotor/messaging';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { ROTATION_CONFIG_SETTINGS, RotationConfigSettings } from '../config';
import { RecordRotationFailureCommand } from '../rotations/commands/record-rotation-failure.command';
import { RecordRotationSuccessCommand } from '../rotations/commands/record-rotation-success.command';
import { RecordVerificationCommand } from '../rotations/commands/record-verification.command';
import { RequestDueRotationCommand } from '../rotations/commands/request-due-rotation.command';

/**
 * What moves a rotation along besides the API: due times from the scheduler, failures from
 * the executor, the secret store's word that the new credential is served, and the executor's
 * checks of served credentials (a drifted one is healed). Each event is
 * applied once (inbox) in the transaction that appends what it caused.
 */
@Injectable()
export class RotationProgressConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private runner?: ConsumerRunner;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(ROTATION_CONFIG_SETTINGS) private readonly settings: RotationConfigSettings,
    private readonly commands: CommandBus,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await ensureTopics(this.kafka);
    this.runner = new ConsumerRunner(this.ds, this.kafka, {
      groupId: this.settings.consumerGroupId,
      topics: this.settings.inboundTopics,
      handlers: {
        RotationDue: (event, tx) => this.commands.execute(new RequestDueRotationCommand(event, tx)),
        RotationFailed: (event, tx) => this.commands.execute(new RecordRotationFailureCommand(event, tx)),
        RotationSecretsStored: (event, tx) => this.commands.execute(new RecordRotationSuccessCommand(event, tx)),
        CredentialsVerified: (event, tx) => this.commands.execute(new RecordVerificationCommand(event, tx)),
      },
    });
    await this.runner.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.runner?.stop();
  }
}
