import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { CLOCK, Clock } from '@rotor/util';
import { DataSource } from 'typeorm';
import { ConnectionCheck } from '../../connection-check';
import { connectionNameTaken, translateConnectionWriteError } from '../../connection-errors';
import { ConnectionSecrets } from '../../connection-secrets';
import { ConnectionAnswer, StoredConnection, toConnectionView } from '../../connection.types';
import { ConnectionsRepository } from '../../connections.repository';
import { UpdateConnectionCommand } from '../update-connection.command';

const REACH_FIELDS = ['host', 'port', 'username', 'password', 'tls', 'topology', 'aclPersistenceMode'] as const;

@CommandHandler(UpdateConnectionCommand)
export class UpdateConnectionHandler implements ICommandHandler<UpdateConnectionCommand> {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly connections: ConnectionsRepository,
    private readonly secrets: ConnectionSecrets,
    private readonly check: ConnectionCheck,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ connectionId, projectId, changes }: UpdateConnectionCommand): Promise<ConnectionAnswer> {
    const current = await this.connections.get(connectionId, projectId);
    if (changes.name !== undefined && changes.name !== current.name && (await this.connections.nameTaken(current.projectId, changes.name, current.id))) {
      throw connectionNameTaken(changes.name);
    }
    const currentSentinel = current.topology.type === 'sentinel' ? current.topology.sentinelPasswordSealed : null;
    const next: StoredConnection = {
      ...current,
      name: changes.name ?? current.name,
      description: changes.description !== undefined ? changes.description : current.description,
      host: changes.host ?? current.host,
      port: changes.port ?? current.port,
      username: changes.username ?? current.username,
      passwordSealed: changes.password ? this.secrets.sealPassword(current.projectId, current.id, changes.password) : current.passwordSealed,
      tls: changes.tls ?? current.tls,
      topology: changes.topology ? this.secrets.sealTopology(current.projectId, current.id, changes.topology, currentSentinel) : current.topology,
      aclPersistenceMode: changes.aclPersistenceMode ?? current.aclPersistenceMode,
      updatedAt: this.clock.now(),
    };
    // Only a change to how Redis is reached needs proof that it still works.
    const connectionCheck = REACH_FIELDS.some((f) => changes[f] !== undefined) ? await this.check.verify(this.secrets.target(next)) : undefined;
    try {
      await this.ds.transaction(async (tx) => {
        await this.connections.get(current.id, projectId, tx, true); // still there
        await this.connections.update(next, tx);
      });
    } catch (e) {
      throw translateConnectionWriteError(e, next.name);
    }
    return { appConnection: toConnectionView(next), ...(connectionCheck ? { connectionCheck } : {}) };
  }
}
