import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { KAFKA } from '@rotor/messaging';
import { ReadinessRegistry } from '@rotor/service-runtime';
import { Admin, Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { SecretStoreConsumer } from '../consumer/secret-store.consumer';

/** Ready = Postgres answers, the Kafka cluster answers and the consumer is running. */
@Injectable()
export class ReadinessChecks implements OnModuleInit, OnModuleDestroy {
  private admin?: Admin;

  constructor(
    private readonly registry: ReadinessRegistry,
    private readonly ds: DataSource,
    @Inject(KAFKA) private readonly kafka: Kafka,
    private readonly consumer: SecretStoreConsumer,
  ) {}

  onModuleInit(): void {
    this.registry.register('postgres', async () => {
      await this.ds.query('SELECT 1');
    });
    this.registry.register('kafka', async () => {
      if (!this.consumer.isRunning()) throw new Error('consumer not running');
      if (!this.admin) {
        const admin = this.kafka.admin();
        await admin.connect();
        this.admin = admin;
      }
      await this.admin.describeCluster();
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.admin?.disconnect();
  }
}
