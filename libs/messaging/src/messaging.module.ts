import {
  DynamicModule, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnModuleDestroy, Optional, Provider,
} from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { ConsumerModule, ConsumerModuleOptions } from './consumer.module';
import { KAFKA, MESSAGING_OPTIONS } from './injection-tokens';
import { createKafka } from './kafka';
import { OutboxRelay, OutboxRelayOptions } from './outbox-relay';
import { ensureTopics } from './topics';


export interface MessagingModuleOptions {
  clientId: string;
  /** Default: KAFKA_BROKERS, else 127.0.0.1:9092. */
  brokers?: string[];
  /** Create ALL_TOPICS and their DLQs on boot if missing (default true). */
  ensureTopics?: boolean;
  /** The outbox relay on the app's TypeORM DataSource; `false` for an app without an outbox. */
  relay?: false | Omit<OutboxRelayOptions, 'logger'>;
  /** Name of the TypeORM data source, when the app has several. */
  dataSource?: string;
}

@Injectable()
class MessagingLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(MESSAGING_OPTIONS) private readonly opts: MessagingModuleOptions,
    @Optional() private readonly relay?: OutboxRelay,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.opts.ensureTopics !== false) await ensureTopics(this.kafka);
    await this.relay?.start();
  }

  // Before TypeORM closes the DataSource (it does so in onApplicationShutdown).
  async onModuleDestroy(): Promise<void> {
    await this.relay?.stop();
  }
}

/**
 * `MessagingModule.forRoot({ clientId })`: provides KAFKA and, on the app's DataSource (from
 * TypeOrmModule), an OutboxRelay that starts with the app and stops, after its batch in
 * flight, when the app closes. Global, so feature modules can inject KAFKA.
 */
@Module({})
export class MessagingModule {
  static forRoot(opts: MessagingModuleOptions): DynamicModule {
    const providers: Provider[] = [
      { provide: MESSAGING_OPTIONS, useValue: opts },
      {
        provide: KAFKA,
        useFactory: () => createKafka({ clientId: opts.clientId, brokers: opts.brokers, logger: new Logger('Kafka') }),
      },
      MessagingLifecycle,
    ];
    if (opts.relay !== false) {
      providers.push({
        provide: OutboxRelay,
        useFactory: (ds: DataSource, kafka: Kafka) => new OutboxRelay(ds, kafka, { ...opts.relay, logger: new Logger('OutboxRelay') }),
        inject: [getDataSourceToken(opts.dataSource), KAFKA],
      });
    }
    return {
      module: MessagingModule,
      global: true,
      providers,
      exports: opts.relay !== false ? [MESSAGING_OPTIONS, KAFKA, OutboxRelay] : [MESSAGING_OPTIONS, KAFKA],
    };
  }

  /**
   * `MessagingModule.forConsumer({ groupId, topics, handlers })`, next to forRoot in the app
   * module: consumes `topics` with a ConsumerRunner (inbox, retries, DLQ) for the life of the
   * app and hands each event to `handlers`, a provider of the app (see InboundHandlers). No
   * consumer bootstrap or shutdown in the app; inject InboundConsumer for readiness.
   */
  static forConsumer(opts: ConsumerModuleOptions): DynamicModule {
    return ConsumerModule.register(opts);
  }
}
