import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { KAFKA } from '@rotor/messaging';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { ReadinessRegistry } from './readiness';
import { kafkaCheck, postgresCheck } from './readiness-checks';

/**
 * Ready = Postgres answers and a Kafka broker describes the cluster: the readiness of a service
 * whose only lasting dependencies are its database and the broker. List it among the providers
 * of a module that has the DataSource and MessagingModule's KAFKA.
 */
@Injectable()
export class PostgresKafkaReadiness implements OnModuleInit {
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
