import { Command } from '@nestjs/cqrs';
import type { Envelope } from '@rotor/contracts';
import type { EntityManager } from 'typeorm';

/**
 * RotationFailed (message already redacted): from the executor, or from the secret store for
 * a job whose lease ran out and which it fenced. Never straight from the scheduler's
 * RotationTimedOut: that job's credential may already be stored.
 */
export class RecordRotationFailureCommand extends Command<void> {
  constructor(
    readonly event: Envelope<'RotationFailed'>,
    readonly tx: EntityManager,
  ) {
    super();
  }
}
