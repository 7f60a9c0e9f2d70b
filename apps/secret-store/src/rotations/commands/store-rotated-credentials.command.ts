import { Command } from '@nestjs/cqrs';
import { Envelope } from '@rotor/contracts';
import { EntityManager } from 'typeorm';

export type StoreRotatedCredentialsOutcome =
  | { stored: true; versions: { username: number; password: number } }
  | { stored: false; reason: 'stale-generation' | 'rotation-deleted' };

/** Runs inside the consumer's transaction (the one that also claimed the event in the inbox). */
export class StoreRotatedCredentialsCommand extends Command<StoreRotatedCredentialsOutcome> {
  constructor(
    readonly event: Envelope<'CredentialsRotated'>,
    readonly tx: EntityManager,
  ) {
    super();
  }
}
