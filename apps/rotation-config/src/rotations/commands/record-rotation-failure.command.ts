import { Command } from '@nestjs/cqrs';
import type { Envelope } from '@rotor/contracts';
import type { EntityManager } from 'typeorm';

/** The executor's RotationFailed (message already redacted). */
export class RecordRotationFailureCommand extends Command<void> {
  constructor(
    readonly event: Envelope<'RotationFailed'>,
    readonly tx: EntityManager,
  ) {
    super();
  }
}
