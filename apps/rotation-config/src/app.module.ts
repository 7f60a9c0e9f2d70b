import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { EnvelopeCipher } from '@rotor/crypto';
import { MessagingModule } from '@rotor/messaging';
import { PostgresKafkaReadiness, ServiceRuntimeModule } from '@rotor/service-runtime';
import { CLOCK } from '@rotor/util';
import { ROTATION_CONFIG_SETTINGS, RotationConfigSettings, SERVICE_NAME, loadConfig } from './config';
import { ConnectionsModule } from './connections/connections.module';
import { DatabaseModule } from './database/database.module';
import { RotationProgressConsumer } from './inbound/rotation-progress.consumer';
import { RotationsModule } from './rotations/rotations.module';

/**
 * rotation-config: the rotations and connections API, the event-sourced rotation aggregate,
 * and the consumer of due times and outcomes. Global, so the feature modules see its settings,
 * clock and cipher.
 */
@Module({})
export class AppModule {
  static forRoot(config: RotationConfigSettings = loadConfig()): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        ServiceRuntimeModule.forRoot({ name: SERVICE_NAME }),
        DatabaseModule,
        CqrsModule.forRoot({ rethrowUnhandled: true }),
        MessagingModule.forRoot({ clientId: SERVICE_NAME }),
        MessagingModule.forConsumer({ groupId: config.consumerGroupId, topics: config.inboundTopics, handlers: RotationProgressConsumer }),
        ConnectionsModule,
        RotationsModule,
      ],
      providers: [
        { provide: ROTATION_CONFIG_SETTINGS, useValue: config },
        { provide: CLOCK, useValue: config.clock },
        // Seals connection passwords.
        { provide: EnvelopeCipher, useFactory: () => new EnvelopeCipher(config.rootKey) },
        PostgresKafkaReadiness,
      ],
      exports: [ROTATION_CONFIG_SETTINGS, CLOCK, EnvelopeCipher],
    };
  }
}
