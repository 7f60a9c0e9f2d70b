import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Outbox } from '@rotor/event-store';
import { CLOCK, Clock } from '@rotor/util';
import { DataSource } from 'typeorm';
import { assertNotManaged, ordinarySecretUpdated, secretNotFound } from '../../secret-rules';
import { SecretRepository } from '../../secret.repository';
import { SecretView, toSecretView } from '../../secret.view';
import { UpdateSecretCommand } from '../update-secret.command';

@CommandHandler(UpdateSecretCommand)
export class UpdateSecretHandler implements ICommandHandler<UpdateSecretCommand> {
  constructor(
    private readonly ds: DataSource,
    private readonly secrets: SecretRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ location, value }: UpdateSecretCommand): Promise<SecretView> {
    return this.ds.transaction(async (tx) => {
      const existing = await this.secrets.lock(tx, location);
      if (!existing) throw secretNotFound(location);
      assertNotManaged(existing);
      const at = this.clock.now();
      const head = await this.secrets.appendVersion(tx, existing, value, { rotationId: null, jobId: null, at });
      await Outbox.enqueue(tx, [ordinarySecretUpdated(head, at)]);
      return toSecretView({ ...head, sealedValue: '', createdAt: at }, value);
    });
  }
}
