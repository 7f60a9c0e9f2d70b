import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { connectionInUse, translateConnectionWriteError } from '../../connection-errors';
import { AppConnectionView, toConnectionView } from '../../connection.types';
import { ConnectionsRepository } from '../../connections.repository';
import { DeleteConnectionCommand } from '../delete-connection.command';

/** A connection some rotation still uses is refused with 409 naming those rotations. */
@CommandHandler(DeleteConnectionCommand)
export class DeleteConnectionHandler implements ICommandHandler<DeleteConnectionCommand> {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly connections: ConnectionsRepository,
  ) {}

  async execute({ connectionId, projectId }: DeleteConnectionCommand): Promise<AppConnectionView> {
    try {
      return await this.ds.transaction(async (tx) => {
        // The row lock keeps a rotation from being created on it until we are done.
        const connection = await this.connections.get(connectionId, projectId, tx, true);
        const users: { id: string; name: string }[] = await tx.query(
          'SELECT id, name FROM rotations WHERE connection_id = $1 ORDER BY name',
          [connection.id],
        );
        if (users.length > 0) throw connectionInUse(users);
        await this.connections.delete(connection.id, tx);
        return toConnectionView(connection);
      });
    } catch (e) {
      throw translateConnectionWriteError(e, '');
    }
  }
}
