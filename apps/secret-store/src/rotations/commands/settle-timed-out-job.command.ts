import { Command } from '@nestjs/cqrs';
import { Envelope } from '@rotor/contracts';
import { EntityManager } from 'typeorm';

export type SettleTimedOutJobOutcome =
  /** Not stored and now never will be: rotation-config is told the job failed. */
  | { fenced: true }
  /**
   * Stored already (its RotationSecretsStored queued again), settled already (fenced before, or
   * a later job stored over it), or the rotation is deleted.
   */
  | { fenced: false; reason: 'already-stored' | 'settled' | 'rotation-deleted' };

/** RotationTimedOut (from rotation-scheduler), inside the consumer's transaction. */
export class SettleTimedOutJobCommand extends Command<SettleTimedOutJobOutcome> {
  constructor(
    readonly event: Envelope<'RotationTimedOut'>,
    readonly tx: EntityManager,
  ) {
    super();
  }
}
