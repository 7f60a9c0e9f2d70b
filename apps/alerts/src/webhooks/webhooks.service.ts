import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CLOCK, Clock, RotorError } from '@rotor/util';
import { CreateWebhook, UpdateWebhook, generateWebhookSecret, testAlert } from '@rotor/webhooks';
import { DeliveryLoop } from '../delivery/delivery-loop.service';
import { DeliveryRepository, DeliveryView } from '../delivery/delivery.repository';
import { WebhookRepository } from './webhook.repository';
import { WebhookSecrets } from './webhook-secrets';
import { WebhookView, toWebhookView } from './webhook.view';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function notFound(id: string): RotorError {
  return RotorError.notFound('WEBHOOK.NOT_FOUND', `Webhook ${id} not found`);
}

/** The webhook API behind the gateway, which has authorized the caller on the project. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly secrets: WebhookSecrets,
    private readonly loop: DeliveryLoop,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The signing secret is in this answer only; afterwards it exists sealed. */
  async create(input: CreateWebhook): Promise<{ webhook: WebhookView; secret: string }> {
    const id = randomUUID();
    const secret = generateWebhookSecret();
    const now = this.clock.now();
    const row = await this.webhooks.insert({
      id, project_id: input.projectId, url: input.url, description: input.description, events: input.events, enabled: input.enabled,
      secret_sealed: this.secrets.seal(input.projectId, id, secret), created_at: now, updated_at: now,
    });
    return { webhook: toWebhookView(row), secret };
  }

  async list(projectId: string): Promise<WebhookView[]> {
    return (await this.webhooks.list(projectId)).map(toWebhookView);
  }

  async get(id: string, projectId: string | null): Promise<WebhookView> {
    return toWebhookView(await this.require(id, projectId));
  }

  async update(id: string, projectId: string, changes: UpdateWebhook): Promise<WebhookView> {
    const row = UUID.test(id) ? await this.webhooks.update(id, projectId, changes, this.clock.now()) : null;
    if (!row) throw notFound(id);
    return toWebhookView(row);
  }

  async delete(id: string, projectId: string): Promise<WebhookView> {
    const row = UUID.test(id) ? await this.webhooks.delete(id, projectId) : null;
    if (!row) throw notFound(id);
    return toWebhookView(row);
  }

  /** Queues a `webhook.test` delivery (even to a disabled webhook) and wakes the delivery loop. */
  async sendTest(id: string, projectId: string): Promise<DeliveryView> {
    const webhook = await this.require(id, projectId);
    const deliveryId = randomUUID();
    const now = this.clock.now();
    const alert = testAlert(webhook.id, webhook.project_id, now);
    await this.deliveries.enqueue({ id: deliveryId, webhookId: webhook.id, sourceEventId: `test:${deliveryId}`, event: alert.event, body: JSON.stringify({ id: deliveryId, ...alert }), now });
    this.loop.wake();
    const [queued] = (await this.deliveries.listForWebhook(webhook.id, 200)).filter((d) => d.id === deliveryId);
    return queued;
  }

  async listDeliveries(id: string, projectId: string, limit: number): Promise<DeliveryView[]> {
    const webhook = await this.require(id, projectId);
    return this.deliveries.listForWebhook(webhook.id, limit);
  }

  private async require(id: string, projectId: string | null) {
    const row = UUID.test(id) ? await this.webhooks.find(id, projectId) : null;
    if (!row) throw notFound(id);
    return row;
  }
}
