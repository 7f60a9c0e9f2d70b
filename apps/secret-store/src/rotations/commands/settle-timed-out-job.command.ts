import { Command } from '@nestjs/cqrs';
import { Envelope } from '@rotor/contracts';
import { EntityManager } from 'typeorm';

export type SettleTimedOutJobOutcome =
  /** Not stored and now never will be: rotation-config is told the job failed. */
  | { fenced: true }
  /** Stored already (its RotationSecretsStored is on its way), or the rotation is deleted. */
  | { fenced: false; reason: 'already-stored' | 'rotation-deleted' };

/** RotationTimedOut (from rotation-scheduler), inside the consumer's transaction. */
export class SettleTimedOutJobCommand extends Command<SettleTimedOutJobOutcome> {
  constructor(
    readonly event: Envelope<'RotationTimedOut'>,
    readonly tx: EntityManager,
  ) {
    super();
  }
}
