import { Command } from '@nestjs/cqrs';
import type { Envelope } from '@rotor/contracts';
import type { EntityManager } from 'typeorm';

/** The scheduler's RotationDue (scheduled or retry), in the consumer's transaction. */
export class RequestDueRotationCommand extends Command<void> {
  constructor(
    readonly event: Envelope<'RotationDue'>,
    readonly tx: EntityManager,
  ) {
    super();
  }
}
