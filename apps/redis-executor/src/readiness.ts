import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { KAFKA } from '@rotor/messaging';
import { kafkaCheck, postgresCheck, ReadinessRegistry } from '@rotor/service-runtime';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';

/** Ready = Postgres answers and a Kafka broker describes the cluster (Redis is per request, not a dependency). */
@Injectable()
export class ExecutorReadiness implements OnModuleInit {
  constructor(
    private readonly readiness: ReadinessRegistry,
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(KAFKA) private readonly kafka: Kafka,
  ) {}

  onModuleInit(): void {
    this.readiness.register('postgres', postgresCheck(this.ds));
    this.readiness.register('kafka', kafkaCheck(this.kafka));
  }
}
