import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TOPICS } from '@rotor/contracts';
import { MessagingModule } from '@rotor/messaging';
import { PostgresKafkaReadiness, ServiceRuntimeModule } from '@rotor/service-runtime';
import { CLOCK } from '@rotor/util';
import { DataSource } from 'typeorm';
import { SCHEDULER_CONFIG, SERVICE_NAME, SchedulerConfig, loadConfig } from './config';
import { createAppDataSource } from './data-source';
import { DueLoopService } from './due-loop/due-loop.service';
import { RotationEventsConsumer } from './inbound/rotation-events.consumer';
import { SCHEDULER_RULES, SchedulerRules } from './schedule/scheduler-settings';

/**
 * rotation-scheduler: consumes rotation events into its `schedules` table, fires due ones as
 * RotationDue through the outbox, and publishes the outbox (MessagingModule's relay).
 */
@Module({})
export class AppModule {
  static forRoot(config: SchedulerConfig = loadConfig()): DynamicModule {
    const rules: SchedulerRules = {
      leaseMs: config.leaseMs,
      retryPolicy: config.retryPolicy,
      unit: config.unit,
      random: Math.random,
    };
    return {
      module: AppModule,
      imports: [
        ServiceRuntimeModule.forRoot({ name: SERVICE_NAME }),
        TypeOrmModule.forRootAsync({
          useFactory: () => createAppDataSource(config.databaseUrl).options,
          dataSourceFactory: async (opts) => new DataSource(opts as DataSource['options']).initialize(),
        }),
        MessagingModule.forRoot({ clientId: SERVICE_NAME }),
        MessagingModule.forConsumer({
          groupId: config.consumerGroup,
          topics: [TOPICS.rotationEvents],
          minBytes: config.consumerMinBytes,
          maxWaitMs: config.consumerMaxWaitMs,
          handlers: RotationEventsConsumer,
        }),
      ],
      providers: [
        { provide: SCHEDULER_CONFIG, useValue: config },
        { provide: SCHEDULER_RULES, useValue: rules },
        { provide: CLOCK, useValue: config.clock },
        RotationEventsConsumer,
        DueLoopService,
        PostgresKafkaReadiness,
      ],
    };
  }
}
