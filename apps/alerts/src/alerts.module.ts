import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EnvelopeCipher } from '@rotor/crypto';
import { MessagingModule } from '@rotor/messaging';
import { ServiceRuntimeModule } from '@rotor/service-runtime';
import { CLOCK } from '@rotor/util';
import { ALERTS_CONFIG, AlertsConfig } from './config';
import { AlertsConsumer } from './consumer/alerts.consumer';
import { createAppDataSource } from './data-source';
import { DeliveryLoop } from './delivery/delivery-loop.service';
import { DeliveryRepository } from './delivery/delivery.repository';
import { ReadinessChecks } from './infra/readiness-checks';
import { WebhookRepository } from './webhooks/webhook.repository';
import { WebhookSecrets } from './webhooks/webhook-secrets';
import { WebhooksController } from './webhooks/webhooks.controller';
import { WebhooksService } from './webhooks/webhooks.service';

export const ALERTS_NAME = 'alerts';

/** Project webhooks: the internal webhook API, the event consumer that queues deliveries, and the delivery loop. */
@Module({})
export class AlertsModule {
  static forRoot(config: AlertsConfig): DynamicModule {
    return {
      module: AlertsModule,
      imports: [
        ServiceRuntimeModule.forRoot({ name: ALERTS_NAME }),
        // Migrations run before boot (tools/migrate.ts); the app never changes its schema.
        TypeOrmModule.forRootAsync({ useFactory: () => ({ ...createAppDataSource(config.databaseUrl).options, retryAttempts: 3 }) }),
        // Publishes nothing: no outbox relay.
        MessagingModule.forRoot({ clientId: ALERTS_NAME, relay: false }),
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
        ReadinessChecks,
      ],
    };
  }
}
