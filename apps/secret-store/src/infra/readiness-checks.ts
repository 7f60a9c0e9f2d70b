import { Injectable, OnModuleInit } from '@nestjs/common';
import { InboundConsumer } from '@rotor/messaging';
import { ReadinessRegistry, runningCheck } from '@rotor/service-runtime';

/** Ready = Postgres and Kafka answer (PostgresKafkaReadiness) and the consumer is running. */
@Injectable()
export class ReadinessChecks implements OnModuleInit {
  constructor(
    private readonly registry: ReadinessRegistry,
    private readonly consumer: InboundConsumer,
  ) {}

  onModuleInit(): void {
    this.registry.register('consumer', runningCheck('consumer', this.consumer));
  }
}
