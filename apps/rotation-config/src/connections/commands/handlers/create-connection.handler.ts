import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, Clock } from '@rotor/util';
import { randomUUID } from 'node:crypto';
import { ConnectionCheck } from '../../connection-check';
import { ConnectionSecrets } from '../../connection-secrets';
import { ConnectionAnswer, StoredConnection, toConnectionView } from '../../connection.types';
import { ConnectionsRepository } from '../../connections.repository';
import { connectionNameTaken, translateConnectionWriteError } from '../../connection-errors';
import { CreateConnectionCommand } from '../create-connection.command';

@CommandHandler(CreateConnectionCommand)
export class CreateConnectionHandler implements ICommandHandler<CreateConnectionCommand> {
  constructor(
    private readonly connections: ConnectionsRepository,
    private readonly secrets: ConnectionSecrets,
    private readonly check: ConnectionCheck,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ input }: CreateConnectionCommand): Promise<ConnectionAnswer> {
    if (await this.connections.nameTaken(input.projectId, input.name, null)) throw connectionNameTaken(input.name);
    const id = randomUUID();
    const now = this.clock.now();
    const connection: StoredConnection = {
      id,
      projectId: input.projectId,
      name: input.name,
      description: input.description,
      host: input.host,
      port: input.port,
      username: input.username,
      passwordSealed: this.secrets.sealPassword(input.projectId, id, input.password),
      tls: input.tls,
      topology: this.secrets.sealTopology(input.projectId, id, input.topology, null),
      aclPersistenceMode: input.aclPersistenceMode,
      createdAt: now,
      updatedAt: now,
    };
    const connectionCheck = await this.check.verify(this.secrets.target(connection));
    try {
      await this.connections.insert(connection);
    } catch (e) {
      throw translateConnectionWriteError(e, input.name);
    }
    return { appConnection: toConnectionView(connection), connectionCheck };
  }
}
