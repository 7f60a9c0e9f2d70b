import { Injectable, OnModuleInit } from '@nestjs/common';
import { InboundConsumer } from '@rotor/messaging';
import { ReadinessRegistry, runningCheck } from '@rotor/service-runtime';
import { DeliveryLoop } from '../delivery/delivery-loop.service';

/** Ready = Postgres and Kafka answer (PostgresKafkaReadiness), the consumer and the delivery loop run. */
@Injectable()
export class ReadinessChecks implements OnModuleInit {
  constructor(
    private readonly registry: ReadinessRegistry,
    private readonly consumer: InboundConsumer,
    private readonly loop: DeliveryLoop,
  ) {}

  onModuleInit(): void {
    this.registry.register('consumer', runningCheck('consumer', this.consumer));
    this.registry.register('delivery-loop', runningCheck('delivery loop', this.loop));
  }
}
