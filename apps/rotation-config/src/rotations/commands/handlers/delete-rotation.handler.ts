import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, Clock } from '@rotor/util';
import { randomUUID } from 'node:crypto';
import { RotationCommandRunner } from '../../rotation-command-runner';
import { requesterOf } from '../../requester';
import { SecretRotationView } from '../../rotation.view';
import { RotationsReadModel } from '../../rotations.read-model';
import { DeleteRotationCommand } from '../delete-rotation.command';

/**
 * Deletes the rotation. With revokeGeneratedCredentials the executor is asked to remove both
 * Rotor users from Redis; with deleteSecrets the secret store removes the mapped secrets.
 */
@CommandHandler(DeleteRotationCommand)
export class DeleteRotationHandler implements ICommandHandler<DeleteRotationCommand> {
  constructor(
    private readonly runner: RotationCommandRunner,
    private readonly readModel: RotationsReadModel,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(c: DeleteRotationCommand): Promise<SecretRotationView> {
    const before = await this.readModel.get(c.rotationId, c.projectId);
    await this.runner.execute(
      c.rotationId,
      [{
        type: 'DeleteRotation',
        deleteSecrets: c.deleteSecrets,
        revokeGeneratedCredentials: c.revokeGeneratedCredentials,
        revocationJobId: randomUUID(),
        now: this.clock.now(),
        requestedBy: requesterOf(c.origin),
      }],
      { projectId: c.projectId, envelope: { correlationId: c.origin.correlationId } },
    );
    return before;
  }
}
