import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { SecretRotationView } from '../../rotation.view';
import { RotationsReadModel } from '../../rotations.read-model';
import { ListRotationsQuery } from '../list-rotations.query';

@QueryHandler(ListRotationsQuery)
export class ListRotationsHandler implements IQueryHandler<ListRotationsQuery> {
  constructor(private readonly readModel: RotationsReadModel) {}

  execute({ projectId }: ListRotationsQuery): Promise<SecretRotationView[]> {
    return this.readModel.listByProject(projectId);
  }
}
