import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TOPICS } from '@rotor/contracts';
import { EnvelopeCipher } from '@rotor/crypto';
import { MessagingModule } from '@rotor/messaging';
import { PostgresKafkaReadiness, ServiceRuntimeModule } from '@rotor/service-runtime';
import { CLOCK } from '@rotor/util';
import { ALERTS_CONFIG, AlertsConfig, SERVICE_NAME, loadConfig } from './config';
import { createAppDataSource } from './data-source';
import { DeliveryLoop } from './delivery/delivery-loop.service';
import { DeliveryRepository } from './delivery/delivery.repository';
import { AlertsConsumer } from './inbound/alerts.consumer';
import { ReadinessChecks } from './infra/readiness-checks';
import { WebhookRepository } from './webhooks/webhook.repository';
import { WebhookSecrets } from './webhooks/webhook-secrets';
import { WebhooksController } from './webhooks/webhooks.controller';
import { WebhooksService } from './webhooks/webhooks.service';

/** Project webhooks: the internal webhook API, the event consumer that queues deliveries, and the delivery loop. */
@Module({})
export class AppModule {
  static forRoot(config: AlertsConfig = loadConfig()): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceRuntimeModule.forRoot({ name: SERVICE_NAME }),
        // Migrations run before boot (tools/migrate.ts); the app never changes its schema.
        TypeOrmModule.forRootAsync({ useFactory: () => ({ ...createAppDataSource(config.databaseUrl).options, retryAttempts: 3 }) }),
        // Publishes nothing: no outbox relay.
        MessagingModule.forRoot({ clientId: SERVICE_NAME, relay: false }),
        MessagingModule.forConsumer({
          groupId: config.consumer.groupId,
          topics: [TOPICS.rotationEvents, TOPICS.schedulerEvents, TOPICS.secretsPublic],
          maxAttempts: config.consumer.maxAttempts,
          backoffMs: config.consumer.backoffMs,
          minBytes: config.consumer.minBytes,
          maxWaitMs: config.consumer.maxWaitMs,
          handlers: AlertsConsumer,
        }),
      ],
      controllers: [WebhooksController],
      providers: [
        { provide: ALERTS_CONFIG, useValue: config },
        { provide: CLOCK, useValue: config.clock },
        { provide: EnvelopeCipher, useFactory: () => new EnvelopeCipher(config.rootKey) },
        WebhookSecrets,
        WebhookRepository,
        DeliveryRepository,
        WebhooksService,
        DeliveryLoop,
        AlertsConsumer,
        PostgresKafkaReadiness,
        ReadinessChecks,
      ],
    };
  }
}
