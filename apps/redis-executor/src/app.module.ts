import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EnvelopeCipher, loadRootKey } from '@rotor/crypto';
import { MessagingModule } from '@rotor/messaging';
import { PostgresKafkaReadiness, ServiceRuntimeModule } from '@rotor/service-runtime';
import { CLOCK, systemClock } from '@rotor/util';
import { ConnectionCheckController } from './connections/connection-check.controller';
import { createAppDataSource } from './data-source';
import { ExecutorConfig, executorConfigFromEnv, SERVICE_NAME } from './executor.config';
import { ExecutorMetrics } from './metrics';
import { createRotationProviders } from './providers';
import { ExecutorConsumer } from './rotation/executor.consumer';
import { RevocationRequestedHandler } from './rotation/revocation-requested.handler';
import { RotationRequestedHandler } from './rotation/rotation-requested.handler';
import { ENVELOPE_CIPHER, EXECUTOR_CONFIG, ROTATION_PROVIDERS } from './tokens';
import { ServedCredentialsHandler } from './verification/served-credentials.handler';
import { VerificationMetrics } from './verification/verification-metrics';
import { VerificationService } from './verification/verification.service';

/**
 * redis-executor: consumes RotationRequested / RevocationRequested, talks to Redis through
 * the providers, and answers the gateway's connection check. Migrations run separately
 * (tools/migrate.ts); the DataSource never synchronizes.
 */
@Module({})
export class RedisExecutorModule {
  static forRoot(config: ExecutorConfig = executorConfigFromEnv()): DynamicModule {
    return {
      module: RedisExecutorModule,
      imports: [
        ServiceRuntimeModule.forRoot({ name: SERVICE_NAME }),
        TypeOrmModule.forRootAsync({
          useFactory: () => ({ type: 'postgres', url: config.databaseUrl }),
          dataSourceFactory: async () => createAppDataSource(config.databaseUrl),
        }),
        MessagingModule.forRoot({ clientId: config.kafkaClientId }),
      ],
      controllers: [ConnectionCheckController],
      providers: [
        { provide: EXECUTOR_CONFIG, useValue: config },
        { provide: CLOCK, useValue: systemClock },
        { provide: ENVELOPE_CIPHER, useFactory: () => new EnvelopeCipher(loadRootKey()) },
        {
          provide: ROTATION_PROVIDERS,
          useFactory: (cipher: EnvelopeCipher) => createRotationProviders({ cipher }),
          inject: [ENVELOPE_CIPHER],
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
