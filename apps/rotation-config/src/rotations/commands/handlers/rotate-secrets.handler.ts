import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, Clock } from '@rotor/util';
import { randomUUID } from 'node:crypto';
import { RotationStore } from '../../rotation.store';
import { SecretRotationView } from '../../rotation.view';
import { RotationsReadModel } from '../../rotations.read-model';
import { RotateSecretsCommand } from '../rotate-secrets.command';

/** Requests a manual rotation and answers at once; the result arrives as events. */
@CommandHandler(RotateSecretsCommand)
export class RotateSecretsHandler implements ICommandHandler<RotateSecretsCommand> {
  constructor(
    private readonly store: RotationStore,
    private readonly readModel: RotationsReadModel,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ rotationId, projectId, origin }: RotateSecretsCommand): Promise<SecretRotationView> {
    await this.store.execute(
      rotationId,
      [{ type: 'RequestRotation', reason: 'manual', jobId: randomUUID(), dueAt: null, now: this.clock.now(), requestedBy: origin.actor }],
      { projectId, envelope: { correlationId: origin.correlationId } },
    );
    return this.readModel.get(rotationId);
  }
}
