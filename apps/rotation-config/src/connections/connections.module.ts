import { Module } from '@nestjs/common';
import { ConnectionCommandHandlers } from './commands/handlers';
import { ConnectionCheck } from './connection-check';
import { ConnectionSecrets } from './connection-secrets';
import { ConnectionsController } from './connections.controller';
import { ConnectionsRepository } from './connections.repository';
import { ConnectionQueryHandlers } from './queries/handlers';

@Module({
  controllers: [ConnectionsController],
  providers: [ConnectionsRepository, ConnectionSecrets, ConnectionCheck, ...ConnectionCommandHandlers, ...ConnectionQueryHandlers],
  exports: [ConnectionsRepository],
})
export class ConnectionsModule {}
