import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { CLOCK, Clock } from '@rotor/util';
import { DataSource } from 'typeorm';
import { SCHEDULER_CONFIG, SchedulerConfig } from '../config';
import { SCHEDULER_RULES, SchedulerRules } from '../schedule/scheduler-settings';
import { DueLoop } from './due-loop';

/** Runs the due loop for the life of the app. */
@Injectable()
export class DueLoopService implements OnApplicationBootstrap, OnModuleDestroy {
  readonly loop: DueLoop;

  constructor(
    ds: DataSource,
    @Inject(CLOCK) clock: Clock,
    @Inject(SCHEDULER_CONFIG) config: SchedulerConfig,
    @Inject(SCHEDULER_RULES) rules: SchedulerRules,
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
