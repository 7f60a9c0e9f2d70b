import { Command } from '@nestjs/cqrs';
import { SecretLocation } from '../secret-location';
import { SecretView } from '../secret.view';

/** Answers the deleted secret without its value: deleting needs no right to read. */
export class DeleteSecretCommand extends Command<Omit<SecretView, 'secretValue'>> {
  constructor(readonly location: SecretLocation) {
    super();
  }
}
