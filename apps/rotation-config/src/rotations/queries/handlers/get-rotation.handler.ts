import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { SecretRotationView } from '../../rotation.view';
import { RotationsReadModel } from '../../rotations.read-model';
import { GetRotationQuery } from '../get-rotation.query';

@QueryHandler(GetRotationQuery)
export class GetRotationHandler implements IQueryHandler<GetRotationQuery> {
  constructor(private readonly readModel: RotationsReadModel) {}

  execute({ rotationId, projectId }: GetRotationQuery): Promise<SecretRotationView> {
    return this.readModel.get(rotationId, projectId);
  }
}
