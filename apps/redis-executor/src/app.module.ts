import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EnvelopeCipher } from '@rotor/crypto';
import { MessagingModule } from '@rotor/messaging';
import { PostgresKafkaReadiness, ServiceRuntimeModule } from '@rotor/service-runtime';
import { CLOCK, systemClock } from '@rotor/util';
import { EXECUTOR_CONFIG, ExecutorConfig, SERVICE_NAME, loadConfig } from './config';
import { ConnectionCheckController } from './connections/connection-check.controller';
import { createAppDataSource } from './data-source';
import { ExecutorConsumer } from './inbound/executor.consumer';
import { ExecutorMetrics } from './metrics';
import { ROTATION_PROVIDERS, createRotationProviders } from './providers';
import { RedisAdminPool } from './redis-admin-pool';
import { RevocationRequestedHandler } from './rotation/revocation-requested.handler';
import { RotationRequestedHandler } from './rotation/rotation-requested.handler';
import { ServedCredentialsHandler } from './verification/served-credentials.handler';
import { VerificationMetrics } from './verification/verification-metrics';
import { VerificationService } from './verification/verification.service';

/**
 * redis-executor: consumes RotationRequested / RevocationRequested, talks to Redis through
 * the providers, and answers the gateway's connection check. Migrations run separately
 * (tools/migrate.ts); the DataSource never synchronizes.
 */
@Module({})
export class AppModule {
  static forRoot(config: ExecutorConfig = loadConfig()): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceRuntimeModule.forRoot({ name: SERVICE_NAME }),
        TypeOrmModule.forRootAsync({
          useFactory: () => ({ type: 'postgres', url: config.databaseUrl }),
          dataSourceFactory: async () => createAppDataSource(config.databaseUrl),
        }),
        MessagingModule.forRoot({ clientId: config.kafkaClientId }),
        // A transaction per partition: each waits on Redis round trips, and partitions overlap them.
        MessagingModule.forConsumer({ groupId: config.groupId, topics: [config.rotationTopic], handlers: ExecutorConsumer, sharePartitions: false }),
      ],
      controllers: [ConnectionCheckController],
      providers: [
        { provide: EXECUTOR_CONFIG, useValue: config },
        { provide: CLOCK, useValue: systemClock },
        { provide: EnvelopeCipher, useFactory: () => new EnvelopeCipher(config.rootKey) },
        RedisAdminPool,
        {
          provide: ROTATION_PROVIDERS,
          useFactory: (cipher: EnvelopeCipher, redisAdmin: RedisAdminPool) => createRotationProviders({ cipher, redisAdmin }),
          inject: [EnvelopeCipher, RedisAdminPool],
        },
        ExecutorMetrics,
        // Redis is per request, not a dependency.
        PostgresKafkaReadiness,
        RotationRequestedHandler,
        RevocationRequestedHandler,
        ExecutorConsumer,
        ServedCredentialsHandler,
        VerificationMetrics,
        VerificationService,
      ],
    };
  }
}
