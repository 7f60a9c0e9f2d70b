import { Query } from '@nestjs/cqrs';
import type { AppConnectionView } from '../connection.types';

export class GetConnectionQuery extends Query<AppConnectionView> {
  constructor(
    readonly connectionId: string,
    readonly projectId: string | undefined,
  ) {
    super();
  }
}
