import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { KAFKA } from '@rotor/messaging';
import { kafkaCheck, postgresCheck, ReadinessRegistry } from '@rotor/service-runtime';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { SecretStoreConsumer } from '../inbound/secret-store.consumer';

/** Ready = Postgres answers, the Kafka cluster answers and the consumer is running. */
@Injectable()
export class ReadinessChecks implements OnModuleInit {

  constructor(
    private readonly registry: ReadinessRegistry,
    private readonly ds: DataSource,
    @Inject(KAFKA) private readonly kafka: Kafka,
    private readonly consumer: SecretStoreConsumer,
  ) {}

  onModuleInit(): void {
    this.registry.register('postgres', postgresCheck(this.ds));
    this.registry.register('kafka', kafkaCheck(this.kafka));
    this.registry.register('consumer', async () => {
      if (!this.consumer.isRunning()) throw new Error('consumer not running');
    });
  }
}
