import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { RotationCommandHandlers } from './commands/handlers';
import { RotationProgressConsumer } from '../inbound/rotation-progress.consumer';
import { RotationQueryHandlers } from './queries/handlers';
import { JobOutcomes } from './job-outcomes';
import { LocationChecks } from './location-checks';
import { RotationCommandRunner } from './rotation-command-runner';
import { RotationsController } from './rotations.controller';
import { RotationsProjection } from './rotations.projection';
import { RotationsReadModel } from './rotations.read-model';
import { SecretStoreClient } from '../secret-store/secret-store.client';
import { StoredJobs } from './stored-jobs';

@Module({
  imports: [ConnectionsModule],
  controllers: [RotationsController],
  providers: [
    RotationCommandRunner,
    RotationsProjection,
    RotationsReadModel,
    JobOutcomes,
    SecretStoreClient,
    StoredJobs,
    LocationChecks,
    RotationProgressConsumer,
    ...RotationCommandHandlers,
    ...RotationQueryHandlers,
  ],
})
export class RotationsModule {}
