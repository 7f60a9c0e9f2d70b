import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { AppConnectionView, toConnectionView } from '../../connection.types';
import { ConnectionsRepository } from '../../connections.repository';
import { ListConnectionsQuery } from '../list-connections.query';

@QueryHandler(ListConnectionsQuery)
export class ListConnectionsHandler implements IQueryHandler<ListConnectionsQuery> {
  constructor(private readonly connections: ConnectionsRepository) {}

  async execute({ projectId }: ListConnectionsQuery): Promise<AppConnectionView[]> {
    return (await this.connections.listByProject(projectId)).map(toConnectionView);
  }
}
