import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { rotationNotFound } from '@rotor/rotation-domain';
import { SecretRotationView, toRotationView } from '../../rotation.view';
import { RotationsReadModel } from '../../rotations.read-model';
import { StoredJobs } from '../../stored-jobs';
import { GetRotationQuery } from '../get-rotation.query';

/** The rotation as it stands, a job the secret store already serves counted as recorded (StoredJobs). */
@QueryHandler(GetRotationQuery)
export class GetRotationHandler implements IQueryHandler<GetRotationQuery> {
  constructor(
    private readonly readModel: RotationsReadModel,
    private readonly storedJobs: StoredJobs,
  ) {}

  async execute({ rotationId, projectId }: GetRotationQuery): Promise<SecretRotationView> {
    const row = await this.readModel.findRow(rotationId, projectId);
    const [settled] = row ? await this.storedJobs.settle([row]) : [];
    if (!settled) throw rotationNotFound();
    return toRotationView(settled);
  }
}
