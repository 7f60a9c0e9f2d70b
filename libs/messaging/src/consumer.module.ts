import {
  DynamicModule, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnModuleDestroy, Optional, Type,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { ConsumerRunner, ConsumerRunnerOptions, EventHandlers } from './consumer-runner';
import { KAFKA, MESSAGING_OPTIONS } from './injection-tokens';
import type { MessagingModuleOptions } from './messaging.module';
import { ensureTopics } from './topics';

/**
 * An app's inbound consumer (`src/inbound/<name>.consumer.ts`): a provider whose `handlers`
 * say which handler each consumed event type reaches. Types without one are claimed and skipped.
 * `prepare` (optional) sees each transaction's events before their handlers do, with the rows
 * of `readAhead` (optional), read with their claim (ConsumerRunnerOptions.prepare, .readAhead).
 */
export interface InboundHandlers {
  readonly handlers: EventHandlers;
  readonly prepare?: ConsumerRunnerOptions['prepare'];
  readonly readAhead?: ConsumerRunnerOptions['readAhead'];
}

export interface ConsumerModuleOptions extends Omit<ConsumerRunnerOptions, 'handlers' | 'prepare' | 'readAhead' | 'logger'> {
  /**
   * The provider with the handlers, listed among the providers of one of the app's modules
   * (so it gets its dependencies there). Its class name is the consumer's log context.
   */
  handlers: Type<InboundHandlers>;
  /** Name of the TypeORM data source, when the app has several. */
  dataSource?: string;
}

const CONSUMER_OPTIONS = Symbol('CONSUMER_OPTIONS');

/**
 * The consumer `MessagingModule.forConsumer` runs for the life of the app: it starts once
 * the app is up (topics ensured first) and stops before TypeORM closes the DataSource, so the
 * transaction in flight commits. Inject it for readiness (`isRunning()`).
 */
@Injectable()
export class InboundConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private runner?: ConsumerRunner;
  private running = false;

  constructor(
    private readonly moduleRef: ModuleRef,
    @Inject(CONSUMER_OPTIONS) private readonly opts: ConsumerModuleOptions,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Optional() @Inject(MESSAGING_OPTIONS) private readonly messaging?: MessagingModuleOptions,
  ) {}

  /**
   * The group has been joined and messages are being consumed: not while a consumer that
   * crashed for good is being started again (ConsumerRunner.isConsuming).
   */
  isRunning(): boolean {
    return this.running && this.runner?.isConsuming() === true;
  }

  async onApplicationBootstrap(): Promise<void> {
    const { handlers: type, dataSource, ...runnerOptions } = this.opts;
    const inbound = this.moduleRef.get(type, { strict: false });
    const ds = this.moduleRef.get<DataSource>(getDataSourceToken(dataSource), { strict: false });
    // MessagingModule.forRoot does it too; hook order between modules is not ours to rely on.
    if (this.messaging?.ensureTopics !== false) await ensureTopics(this.kafka);
    this.runner = new ConsumerRunner(ds, this.kafka, {
      ...runnerOptions,
      handlers: inbound.handlers,
      prepare: inbound.prepare?.bind(inbound),
      readAhead: inbound.readAhead?.bind(inbound),
      logger: new Logger(type.name),
    });
    await this.runner.start();
    this.running = true;
  }

  // Before TypeORM closes the DataSource (onApplicationShutdown): the message in flight commits first.
  async onModuleDestroy(): Promise<void> {
    this.running = false;
    await this.runner?.stop();
  }
}

/** Holds `MessagingModule.forConsumer`'s module; apps use that. */
@Module({})
export class ConsumerModule {
  static register(opts: ConsumerModuleOptions): DynamicModule {
    return {
      module: ConsumerModule,
      providers: [{ provide: CONSUMER_OPTIONS, useValue: opts }, InboundConsumer],
      exports: [InboundConsumer],
    };
  }
}
