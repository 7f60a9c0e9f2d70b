import { Command } from '@nestjs/cqrs';
import type { CreateRotationInput } from '../rotation.schemas';
import type { SecretRotationView } from '../rotation.view';

/** Creates a rotation and issues its first credential set before answering. */
export class CreateRotationCommand extends Command<SecretRotationView> {
  constructor(readonly input: CreateRotationInput) {
    super();
  }
}
