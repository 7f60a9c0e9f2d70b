import { Command } from '@nestjs/cqrs';
import { SecretLocation } from '../secret-location';
import { SecretView } from '../secret.view';

export class UpdateSecretCommand extends Command<SecretView> {
  constructor(
    readonly location: SecretLocation,
    readonly value: string,
  ) {
    super();
  }
}
