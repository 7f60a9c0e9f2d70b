import { Query } from '@nestjs/cqrs';

/**
 * Which of these rotation jobs this store has stored (and so serves). rotation-config asks for
 * jobs it still shows in flight: their completion is on its way, and its answers wait for it.
 */
export class StoredJobsQuery extends Query<string[]> {
  constructor(
    readonly projectId: string,
    readonly jobIds: string[],
  ) {
    super();
  }
}
