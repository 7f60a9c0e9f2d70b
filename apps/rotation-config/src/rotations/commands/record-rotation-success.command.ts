import { Command } from '@nestjs/cqrs';
import type { Envelope } from '@rotor/contracts';
import type { EntityManager } from 'typeorm';

/** The secret store's RotationSecretsStored: the new credential is what clients now read. */
export class RecordRotationSuccessCommand extends Command<void> {
  constructor(
    readonly event: Envelope<'RotationSecretsStored'>,
    readonly tx: EntityManager,
  ) {
    super();
  }
}
