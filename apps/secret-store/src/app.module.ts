import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TOPICS } from '@rotor/contracts';
import { EnvelopeCipher } from '@rotor/crypto';
import { MessagingModule } from '@rotor/messaging';
import { PostgresKafkaReadiness, ServiceRuntimeModule } from '@rotor/service-runtime';
import { CLOCK } from '@rotor/util';
import { SECRET_STORE_CONFIG, SERVICE_NAME, SecretStoreConfig, loadConfig } from './config';
import { createAppDataSource } from './data-source';
import { SecretStoreConsumer } from './inbound/secret-store.consumer';
import { ReadinessChecks } from './infra/readiness-checks';
import { RotationCommandHandlers } from './rotations/commands/handlers';
import { GeneratedCredentialsController } from './rotations/generated-credentials.controller';
import { RotationQueryHandlers } from './rotations/queries/handlers';
import { RotationCredentialsRepository } from './rotations/rotation-credentials.repository';
import { RotationGenerations } from './rotations/rotation-generations';
import { SecretCommandHandlers } from './secrets/commands/handlers';
import { SecretQueryHandlers } from './secrets/queries/handlers';
import { SecretReader } from './secrets/secret-reader';
import { SecretSealer } from './secrets/secret-sealer';
import { SecretRepository } from './secrets/secret.repository';
import { SecretKeysController, SecretsController } from './secrets/secrets.controller';

/** The secret store: raw-secrets and generated-credentials API, and the rotation consumer. */
@Module({})
export class AppModule {
  static forRoot(config: SecretStoreConfig = loadConfig()): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceRuntimeModule.forRoot({ name: SERVICE_NAME }),
        CqrsModule.forRoot({ rethrowUnhandled: true }),
        // Migrations run before boot (tools/migrate.ts); the app never changes its schema.
        TypeOrmModule.forRootAsync({ useFactory: () => ({ ...createAppDataSource(config.databaseUrl).options, retryAttempts: 3 }) }),
        MessagingModule.forRoot({ clientId: SERVICE_NAME }),
        MessagingModule.forConsumer({
          groupId: config.consumer.groupId,
          topics: [TOPICS.executorEvents, TOPICS.rotationEvents],
          maxAttempts: config.consumer.maxAttempts,
          backoffMs: config.consumer.backoffMs,
          handlers: SecretStoreConsumer,
        }),
      ],
      controllers: [SecretsController, SecretKeysController, GeneratedCredentialsController],
      providers: [
        { provide: SECRET_STORE_CONFIG, useValue: config },
        { provide: CLOCK, useValue: config.clock },
        { provide: EnvelopeCipher, useFactory: () => new EnvelopeCipher(config.rootKey) },
        SecretSealer,
        SecretRepository,
        SecretReader,
        RotationCredentialsRepository,
        RotationGenerations,
        ...SecretCommandHandlers,
        ...SecretQueryHandlers,
        ...RotationCommandHandlers,
        ...RotationQueryHandlers,
        SecretStoreConsumer,
        PostgresKafkaReadiness,
        ReadinessChecks,
      ],
    };
  }
}
