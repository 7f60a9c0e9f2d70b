import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { TOPICS, dlqTopic } from '@rotor/contracts';
import { OutboxRelay, createKafka, ensureTopics } from '@rotor/messaging';
import { DataSource } from 'typeorm';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';

/**
 * Publishes the gateway's outbox (its audit records) to `rotor.audit.v1`, as the other
 * services publish theirs: @rotor/messaging's relay, one active per database. Off with
 * GATEWAY_AUDIT_RELAY=false (records then wait in the outbox, nothing is lost). It lingers
 * (GATEWAY_AUDIT_RELAY_LINGER_MS) so the records of a busy moment share a statement and a
 * Kafka request rather than taking one each.
 */
@Injectable()
export class AuditRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private relay: OutboxRelay | null = null;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.auditRelay) return;
    const kafka = createKafka({ clientId: 'gateway', logger: new Logger('Kafka') });
    await ensureTopics(kafka, [TOPICS.audit, dlqTopic(TOPICS.audit)]);
    this.relay = new OutboxRelay(this.ds, kafka, { lingerMs: this.config.auditRelayLingerMs, logger: new Logger('OutboxRelay') });
    await this.relay.start();
  }

  // Before TypeORM closes the DataSource.
  async onModuleDestroy(): Promise<void> {
    await this.relay?.stop();
  }
}
