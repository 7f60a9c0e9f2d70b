import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MessagingModule } from '@rotor/messaging';
import { ServiceRuntimeModule } from '@rotor/service-runtime';
import { CLOCK } from '@rotor/util';
import { DataSource } from 'typeorm';
import { SCHEDULER_CONFIG, SERVICE_NAME, SchedulerConfig, loadConfig } from './config';
import { createAppDataSource } from './data-source';
import { DueLoopService } from './due-loop/due-loop.service';
import { RotationEventsConsumer } from './inbound/rotation-events.consumer';
import { SchedulerRules } from './schedule/scheduler-settings';
import { SCHEDULER_RULES } from './schedule/scheduler-tokens';

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
      ],
      providers: [
        { provide: SCHEDULER_CONFIG, useValue: config },
        { provide: SCHEDULER_RULES, useValue: rules },
        { provide: CLOCK, useValue: config.clock },
        RotationEventsConsumer,
        DueLoopService,
      ],
    };
  }
}
