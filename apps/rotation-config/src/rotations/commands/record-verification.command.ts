import { Command } from '@nestjs/cqrs';
import type { Envelope } from '@rotor/contracts';
import type { EntityManager } from 'typeorm';

/** CredentialsVerified from the executor: record it, and heal a drifted credential. */
export class RecordVerificationCommand extends Command<void> {
  constructor(
    readonly event: Envelope<'CredentialsVerified'>,
    readonly tx: EntityManager,
  ) {
    super();
  }
}
