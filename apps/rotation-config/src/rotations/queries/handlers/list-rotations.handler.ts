import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { SecretRotationView, toRotationView } from '../../rotation.view';
import { RotationsReadModel } from '../../rotations.read-model';
import { StoredJobs } from '../../stored-jobs';
import { ListRotationsQuery } from '../list-rotations.query';

@QueryHandler(ListRotationsQuery)
export class ListRotationsHandler implements IQueryHandler<ListRotationsQuery> {
  constructor(
    private readonly readModel: RotationsReadModel,
    private readonly storedJobs: StoredJobs,
  ) {}

  async execute({ projectId }: ListRotationsQuery): Promise<SecretRotationView[]> {
    return (await this.storedJobs.settle(await this.readModel.listRows(projectId))).map(toRotationView);
  }
}
