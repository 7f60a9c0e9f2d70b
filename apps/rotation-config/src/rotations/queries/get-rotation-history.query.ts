import { Query } from '@nestjs/cqrs';
import type { RotationHistoryEntry } from '../rotation.view';

export class GetRotationHistoryQuery extends Query<RotationHistoryEntry[]> {
  constructor(
    readonly rotationId: string,
    readonly projectId: string | undefined,
  ) {
    super();
  }
}
