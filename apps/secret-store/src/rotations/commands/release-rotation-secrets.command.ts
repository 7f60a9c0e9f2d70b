import { Command } from '@nestjs/cqrs';
import { Envelope } from '@rotor/contracts';
import { EntityManager } from 'typeorm';

export interface ReleaseRotationSecretsOutcome {
  deleted: number;
  detached: number;
}

/** RotationDeleted, inside the consumer's transaction. */
export class ReleaseRotationSecretsCommand extends Command<ReleaseRotationSecretsOutcome> {
  constructor(
    readonly event: Envelope<'RotationDeleted'>,
    readonly tx: EntityManager,
  ) {
    super();
  }
}
