import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { parseSecretPath, rotationNotFound } from '@rotor/rotation-domain';
import { SecretRotationView, toRotationView } from '../../rotation.view';
import { RotationsReadModel } from '../../rotations.read-model';
import { StoredJobs } from '../../stored-jobs';
import { GetRotationByNameQuery } from '../get-rotation-by-name.query';

@QueryHandler(GetRotationByNameQuery)
export class GetRotationByNameHandler implements IQueryHandler<GetRotationByNameQuery> {
  constructor(
    private readonly readModel: RotationsReadModel,
    private readonly storedJobs: StoredJobs,
  ) {}

  async execute(q: GetRotationByNameQuery): Promise<SecretRotationView> {
    const path = parseSecretPath(q.secretPath);
    if (!path.ok) throw rotationNotFound();
    const row = await this.readModel.findRowByName(q.projectId, q.environment, path.path, q.name);
    const [settled] = row ? await this.storedJobs.settle([row]) : [];
    if (!settled) throw rotationNotFound();
    return toRotationView(settled);
  }
}
