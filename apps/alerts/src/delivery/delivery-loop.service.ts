import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { CLOCK, Clock, WakeableSleep } from '@rotor/util';
import { nextDeliveryDelayMs } from '@rotor/webhooks';
import { Counter, Histogram } from 'prom-client';
import { ALERTS_CONFIG, AlertsConfig } from '../config';
import { WebhookSecrets } from '../webhooks/webhook-secrets';
import { ClaimedDelivery, DeliveryRepository } from './delivery.repository';
import { sendDelivery } from './webhook-sender';

const attemptsTotal = new Counter({ name: 'rotor_webhook_delivery_attempts_total', help: 'Webhook delivery attempts by outcome', labelNames: ['outcome'] });
const attemptSeconds = new Histogram({ name: 'rotor_webhook_delivery_seconds', help: 'Duration of webhook delivery attempts', buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });

/**
 * Sends pending deliveries, apart from the consumer: a slow or dead receiver holds up neither
 * the consumer nor, through it, anything on Rotor's topics. Each pass claims what is due
 * (leased past the attempt's timeout), sends it, and records the attempt; a failure is retried
 * on the capped exponential schedule of @rotor/webhooks, then given up.
 */
@Injectable()
export class DeliveryLoop implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('DeliveryLoop');
  private readonly sleeper = new WakeableSleep();
  private running = false;
  private loop?: Promise<void>;

  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly secrets: WebhookSecrets,
    @Inject(ALERTS_CONFIG) private readonly config: AlertsConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.running = false;
    this.sleeper.interrupt();
    await this.loop;
  }

  isRunning(): boolean {
    return this.running;
  }

  /** Look now (a delivery was just queued). */
  wake(): void {
    this.sleeper.wake();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let claimed = 0;
      try {
        this.sleeper.clearWake();
        claimed = await this.pass();
      } catch (e) {
        this.logger.error(`delivery pass failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (this.running && claimed < this.config.delivery.concurrency) await this.sleeper.sleep(this.config.delivery.pollMs, { wakeable: true });
    }
  }

  /** One batch: claim, send in parallel, record. Answers how many were claimed. */
  async pass(): Promise<number> {
    const { timeoutMs, concurrency } = this.config.delivery;
    const now = this.clock.now();
    const batch = await this.deliveries.claimDue(now, new Date(now.getTime() + timeoutMs + 5_000), concurrency);
    await Promise.all(batch.map((d) => this.attempt(d)));
    return batch.length;
  }

  private async attempt(d: ClaimedDelivery): Promise<void> {
    const now = this.clock.now();
    const secret = this.secrets.open(d.projectId, d.webhookId, d.secretSealed);
    const outcome = await sendDelivery({ url: d.url, deliveryId: d.id, event: d.event, body: d.body, secret }, now, this.config.delivery.timeoutMs);
    const attempt = d.attempts + 1;
    const delay = outcome.delivered ? null : nextDeliveryDelayMs(attempt, this.config.delivery.retry);
    const retryAt = delay === null ? null : new Date(this.clock.now().getTime() + delay);
    await this.deliveries.record(d.id, outcome, outcome.delivered, retryAt);
    attemptsTotal.inc({ outcome: outcome.delivered ? 'delivered' : retryAt ? 'retry' : 'failed' });
    attemptSeconds.observe(outcome.durationMs / 1000);
    // Ids and outcome only: the URL may carry the receiver's own token in its path.
    const what = `delivery ${d.id} (${d.event}) to webhook ${d.webhookId}, attempt ${attempt}`;
    if (outcome.delivered) this.logger.log(`${what}: delivered (${outcome.statusCode}, ${outcome.durationMs} ms)`);
    else if (retryAt) this.logger.warn(`${what}: ${outcome.error}; next attempt at ${retryAt.toISOString()}`);
    else this.logger.warn(`${what}: ${outcome.error}; given up`);
  }
}
