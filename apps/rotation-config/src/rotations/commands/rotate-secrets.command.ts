import type { RequestOrigin } from '@rotor/service-runtime';
import { Command } from '@nestjs/cqrs';
import type { SecretRotationView } from '../rotation.view';

/** A manual rotation (`POST /:id/rotate-secrets`); 409 while another one is in flight. */
export class RotateSecretsCommand extends Command<SecretRotationView> {
  constructor(
    readonly rotationId: string,
    readonly projectId: string | undefined,
    readonly origin: RequestOrigin = {},
  ) {
    super();
  }
}
