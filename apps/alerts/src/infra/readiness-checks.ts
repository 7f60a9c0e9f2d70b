import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { KAFKA } from '@rotor/messaging';
import { kafkaCheck, postgresCheck, ReadinessRegistry } from '@rotor/service-runtime';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { AlertsConsumer } from '../inbound/alerts.consumer';
import { DeliveryLoop } from '../delivery/delivery-loop.service';

/** Ready = Postgres answers, the Kafka cluster answers, the consumer and the delivery loop run. */
@Injectable()
export class ReadinessChecks implements OnModuleInit {
  constructor(
    private readonly registry: ReadinessRegistry,
    private readonly ds: DataSource,
    @Inject(KAFKA) private readonly kafka: Kafka,
    private readonly consumer: AlertsConsumer,
    private readonly loop: DeliveryLoop,
  ) {}

  onModuleInit(): void {
    this.registry.register('postgres', postgresCheck(this.ds));
    this.registry.register('kafka', kafkaCheck(this.kafka));
    this.registry.register('consumer', async () => {
      if (!this.consumer.isRunning()) throw new Error('consumer not running');
    });
    this.registry.register('delivery-loop', async () => {
      if (!this.loop.isRunning()) throw new Error('delivery loop not running');
    });
  }
}
