import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { normalizeSecretPath, rotationNotFound } from '@rotor/rotation-domain';
import { SecretRotationView } from '../../rotation.view';
import { RotationsReadModel } from '../../rotations.read-model';
import { GetRotationByNameQuery } from '../get-rotation-by-name.query';

@QueryHandler(GetRotationByNameQuery)
export class GetRotationByNameHandler implements IQueryHandler<GetRotationByNameQuery> {
  constructor(private readonly readModel: RotationsReadModel) {}

  async execute(q: GetRotationByNameQuery): Promise<SecretRotationView> {
    const path = normalizeSecretPath(q.secretPath);
    if (!path.ok) throw rotationNotFound();
    return this.readModel.getByName(q.projectId, q.environment, path.path, q.name);
  }
}
