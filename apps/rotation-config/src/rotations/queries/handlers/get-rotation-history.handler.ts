import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { RotationHistoryEntry } from '../../rotation.view';
import { RotationsReadModel } from '../../rotations.read-model';
import { GetRotationHistoryQuery } from '../get-rotation-history.query';

/** The history of a rotation that exists (a deleted one's trail is kept, but not served). */
@QueryHandler(GetRotationHistoryQuery)
export class GetRotationHistoryHandler implements IQueryHandler<GetRotationHistoryQuery> {
  constructor(private readonly readModel: RotationsReadModel) {}

  async execute({ rotationId, projectId }: GetRotationHistoryQuery): Promise<RotationHistoryEntry[]> {
    await this.readModel.get(rotationId, projectId);
    return this.readModel.history(rotationId);
  }
}
