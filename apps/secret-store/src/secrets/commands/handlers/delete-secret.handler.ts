import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, Clock } from '@rotor/util';
import { DataSource } from 'typeorm';
import { assertNotManaged, secretNotFound } from '../../secret-rules';
import { SecretRepository } from '../../secret.repository';
import { SecretView } from '../../secret.view';
import { DeleteSecretCommand } from '../delete-secret.command';

/** Deletes an ordinary secret with all its versions (SecretsUpdated carries versions, so none is sent). */
@CommandHandler(DeleteSecretCommand)
export class DeleteSecretHandler implements ICommandHandler<DeleteSecretCommand> {
  constructor(
    private readonly ds: DataSource,
    private readonly secrets: SecretRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ location }: DeleteSecretCommand): Promise<Omit<SecretView, 'secretValue'>> {
    return this.ds.transaction(async (tx) => {
      const existing = await this.secrets.lock(tx, location);
      if (!existing) throw secretNotFound(location);
      assertNotManaged(existing);
      await this.secrets.remove(tx, [existing.id]);
      return {
        id: existing.id,
        secretKey: existing.secretKey,
        version: existing.version,
        updatedAt: this.clock.now().toISOString(),
        rotationId: null,
        environment: existing.environment,
        secretPath: existing.secretPath,
        type: 'shared',
      };
    });
  }
}
