import { Query } from '@nestjs/cqrs';
import type { AppConnectionView } from '../connection.types';

export class ListConnectionsQuery extends Query<AppConnectionView[]> {
  constructor(readonly projectId: string) {
    super();
  }
}
