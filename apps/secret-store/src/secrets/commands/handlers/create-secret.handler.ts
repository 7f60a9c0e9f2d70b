import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, Clock, RotorError } from '@rotor/util';
import { DataSource } from 'typeorm';
import { describeLocation } from '../../secret-location';
import { assertNotManaged } from '../../secret-rules';
import { SecretRepository } from '../../secret.repository';
import { SecretView } from '../../secret.view';
import { CreateSecretCommand } from '../create-secret.command';
import { writeUserVersion } from './user-version';

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
      return writeUserVersion(tx, this.clock, value, (meta) => this.secrets.create(tx, location, value, meta));
    });
  }
}
