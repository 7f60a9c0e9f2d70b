import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, Clock } from '@rotor/util';
import { DataSource } from 'typeorm';
import { assertNotManaged, secretNotFound } from '../../secret-rules';
import { SecretRepository } from '../../secret.repository';
import { SecretView } from '../../secret.view';
import { UpdateSecretCommand } from '../update-secret.command';
import { writeUserVersion } from './user-version';

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
      return writeUserVersion(tx, this.clock, value, (meta) => this.secrets.appendVersion(tx, existing, value, meta));
    });
  }
}
