import type { RequestOrigin } from '@rotor/service-runtime';
import { Command } from '@nestjs/cqrs';
import type { UpdateRotationInput } from '../rotation.schemas';
import type { SecretRotationView } from '../rotation.view';

export class UpdateRotationCommand extends Command<SecretRotationView> {
  constructor(
    readonly rotationId: string,
    readonly projectId: string | undefined,
    readonly changes: UpdateRotationInput,
    readonly origin: RequestOrigin = {},
  ) {
    super();
  }
}
