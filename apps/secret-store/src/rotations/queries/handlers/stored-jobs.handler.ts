import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { SecretRepository } from '../../../secrets/secret.repository';
import { StoredJobsQuery } from '../stored-jobs.query';

@QueryHandler(StoredJobsQuery)
export class StoredJobsHandler implements IQueryHandler<StoredJobsQuery> {
  constructor(private readonly secrets: SecretRepository) {}

  execute({ projectId, jobIds }: StoredJobsQuery): Promise<string[]> {
    return jobIds.length === 0 ? Promise.resolve([]) : this.secrets.jobsWithVersions(projectId, jobIds);
  }
}
