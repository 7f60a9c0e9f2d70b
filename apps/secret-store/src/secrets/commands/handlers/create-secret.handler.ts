import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Outbox } from '@rotor/event-store';
import { CLOCK, Clock, RotorError } from '@rotor/util';
import { DataSource } from 'typeorm';
import { describeLocation } from '../../secret-location';
import { assertNotManaged, ordinarySecretUpdated } from '../../secret-rules';
import { SecretRepository } from '../../secret.repository';
import { SecretView, toSecretView } from '../../secret.view';
import { CreateSecretCommand } from '../create-secret.command';

@CommandHandler(CreateSecretCommand)
export class CreateSecretHandler implements ICommandHandler<CreateSecretCommand> {
  constructor(
    private readonly ds: DataSource,
    private readonly secrets: SecretRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ location, value }: CreateSecretCommand): Promise<SecretView> {
    return this.ds.transaction(async (tx) => {
      const existing = await this.secrets.lock(tx, location);
      if (existing) {
        assertNotManaged(existing);
        throw RotorError.conflict('SECRET.ALREADY_EXISTS', `secret ${describeLocation(location)} already exists`);
      }
      const at = this.clock.now();
      const head = await this.secrets.create(tx, location, value, { rotationId: null, jobId: null, at });
      await Outbox.enqueue(tx, [ordinarySecretUpdated(head, at)]);
      return toSecretView({ ...head, sealedValue: '', createdAt: at }, value);
    });
  }
}
