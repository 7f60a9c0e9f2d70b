import type { RequestOrigin } from '@rotor/service-runtime';
import { Command } from '@nestjs/cqrs';
import type { SecretRotationView } from '../rotation.view';

/** What rotate-secrets answers: the rotation after its job, or as it stands when the wait ran out. */
export interface RotateSecretsOutcome {
  secretRotation: SecretRotationView;
  jobId: string;
  /** The job completed or failed within the wait (200); false: still in flight (202). */
  settled: boolean;
}

/**
 * A manual rotation (`POST /:id/rotate-secrets`), answered with its outcome when it comes
 * within the wait; 409 while another one is in flight.
 */
export class RotateSecretsCommand extends Command<RotateSecretsOutcome> {
  constructor(
    readonly rotationId: string,
    readonly projectId: string | undefined,
    readonly origin: RequestOrigin = {},
  ) {
    super();
  }
}
