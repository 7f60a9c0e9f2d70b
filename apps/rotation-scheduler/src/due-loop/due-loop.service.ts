import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { KAFKA } from '@rotor/messaging';
import { kafkaCheck, postgresCheck, ReadinessRegistry } from '@rotor/service-runtime';
import { Kafka } from 'kafkajs';
import { CLOCK, Clock } from '@rotor/util';
import { DataSource } from 'typeorm';
import { SCHEDULER_CONFIG, SchedulerConfig } from '../config';
import { SchedulerRules } from '../schedule/scheduler-settings';
import { SCHEDULER_RULES } from '../schedule/scheduler-tokens';
import { DueLoop } from './due-loop';

/** Runs the due loop for the life of the app; ready once Postgres and Kafka answer. */
@Injectable()
export class DueLoopService implements OnApplicationBootstrap, OnModuleDestroy {
  readonly loop: DueLoop;

  constructor(
    private readonly ds: DataSource,
    @Inject(CLOCK) clock: Clock,
    @Inject(SCHEDULER_CONFIG) config: SchedulerConfig,
    @Inject(SCHEDULER_RULES) rules: SchedulerRules,
    private readonly readiness: ReadinessRegistry,
    @Inject(KAFKA) private readonly kafka: Kafka,
  ) {
    this.loop = new DueLoop(ds, clock, {
      rules,
      batchSize: config.batchSize,
      maxPerSecond: config.maxPerSecond,
      maxSleepMs: config.maxSleepMs,
      logger: new Logger('DueLoop'),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.readiness.register('postgres', postgresCheck(this.ds));
    this.readiness.register('kafka', kafkaCheck(this.kafka));
    await this.loop.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.loop.stop();
  }

  /** Look for due schedules now (after moving a test clock, for instance). */
  wake(): void {
    this.loop.wake();
  }
}
