import type { RequestOrigin } from '@rotor/service-runtime';
import { Command } from '@nestjs/cqrs';
import type { CreateRotationInput } from '../rotation.schemas';
import type { SecretRotationView } from '../rotation.view';

/** Creates a rotation and issues its first credential set before answering. */
/** `origin`: who asked, and the correlation id the events carry (from the gateway). */
export class CreateRotationCommand extends Command<SecretRotationView> {
  constructor(
    readonly input: CreateRotationInput,
    readonly origin: RequestOrigin = {},
  ) {
    super();
  }
}
