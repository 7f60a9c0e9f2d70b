import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { RotationCommandHandlers } from './commands/handlers';
import { RotationResultsConsumer } from './consumers/rotation-results.consumer';
import { RotationQueryHandlers } from './queries/handlers';
import { RotationStore } from './rotation.store';
import { RotationsController } from './rotations.controller';
import { RotationsProjection } from './rotations.projection';
import { RotationsReadModel } from './rotations.read-model';

@Module({
  imports: [ConnectionsModule],
  controllers: [RotationsController],
  providers: [
    RotationStore,
    RotationsProjection,
    RotationsReadModel,
    RotationResultsConsumer,
    ...RotationCommandHandlers,
    ...RotationQueryHandlers,
  ],
})
export class RotationsModule {}
