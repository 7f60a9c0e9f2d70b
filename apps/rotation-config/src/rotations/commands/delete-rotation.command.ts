import type { RequestOrigin } from '@rotor/service-runtime';
import { Command } from '@nestjs/cqrs';
import type { SecretRotationView } from '../rotation.view';

/** Answers the rotation as it was before the deletion. */
export class DeleteRotationCommand extends Command<SecretRotationView> {
  constructor(
    readonly rotationId: string,
    readonly projectId: string | undefined,
    readonly deleteSecrets: boolean,
    readonly revokeGeneratedCredentials: boolean,
    readonly origin: RequestOrigin = {},
  ) {
    super();
  }
}
