import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { AppConnectionView, toConnectionView } from '../../connection.types';
import { ConnectionsRepository } from '../../connections.repository';
import { GetConnectionQuery } from '../get-connection.query';

@QueryHandler(GetConnectionQuery)
export class GetConnectionHandler implements IQueryHandler<GetConnectionQuery> {
  constructor(private readonly connections: ConnectionsRepository) {}

  async execute({ connectionId, projectId }: GetConnectionQuery): Promise<AppConnectionView> {
    return toConnectionView(await this.connections.get(connectionId, projectId));
  }
}
