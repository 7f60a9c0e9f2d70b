import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { TOPICS } from '@rotor/contracts';
import { ConsumerRunner, KAFKA, ensureTopics } from '@rotor/messaging';
import { CLOCK, Clock } from '@rotor/util';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { SCHEDULER_CONFIG, SchedulerConfig } from '../config';
import { SchedulerRules } from '../schedule/scheduler-settings';
import { SCHEDULER_RULES } from '../schedule/scheduler-tokens';
import { rotationEventHandlers } from './rotation-event.handlers';

/** Keeps the schedules table in step with rotation events, from app start to shutdown. */
@Injectable()
export class RotationEventsConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly runner: ConsumerRunner;

  constructor(
    ds: DataSource,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(CLOCK) clock: Clock,
    @Inject(SCHEDULER_CONFIG) config: SchedulerConfig,
    @Inject(SCHEDULER_RULES) rules: SchedulerRules,
  ) {
    this.runner = new ConsumerRunner(ds, kafka, {
      groupId: config.consumerGroup,
      topics: [TOPICS.rotationEvents],
      handlers: rotationEventHandlers(clock, rules),
      logger: new Logger('RotationEventsConsumer'),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    // Idempotent; here too because hook order between modules is not ours to rely on.
    await ensureTopics(this.kafka);
    await this.runner.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.runner.stop();
  }
}
