import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { InternalTokenGuard } from '@rotor/service-runtime';
import { createWebhookSchema, updateWebhookSchema } from '@rotor/webhooks';
import { DeliveryView } from '../delivery/delivery.repository';
import { parseInput } from '@rotor/rotation-domain';
import { DeliveriesQuery, OptionalProjectQuery, ProjectQuery } from './webhook.schemas';
import { WebhookView } from './webhook.view';
import { WebhooksService } from './webhooks.service';

/**
 * The webhook API behind the gateway (`/api/v1/webhooks…`). The gateway has checked the
 * caller's role in `projectId`; every lookup is scoped by it, so another project's webhook is
 * not found. `GET /:id` without a project is the gateway's lookup to learn the project.
 */
@Controller('internal/webhooks')
@UseGuards(InternalTokenGuard)
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @HttpCode(200)
  async create(@Body() body: unknown): Promise<{ webhook: WebhookView; secret: string }> {
    return this.webhooks.create(parseInput(createWebhookSchema, body, 'WEBHOOK.INVALID'));
  }

  @Get()
  async list(@Query() query: unknown): Promise<{ webhooks: WebhookView[] }> {
    const { projectId } = parseInput(ProjectQuery, query, 'WEBHOOK.INVALID');
    return { webhooks: await this.webhooks.list(projectId) };
  }

  @Get(':id')
  async get(@Param('id') id: string, @Query() query: unknown): Promise<{ webhook: WebhookView }> {
    const { projectId } = parseInput(OptionalProjectQuery, query, 'WEBHOOK.INVALID');
    return { webhook: await this.webhooks.get(id, projectId ?? null) };
  }

  @Patch(':id')
  async update(@Param('id') id: string, @Query() query: unknown, @Body() body: unknown): Promise<{ webhook: WebhookView }> {
    const { projectId } = parseInput(ProjectQuery, query, 'WEBHOOK.INVALID');
    return { webhook: await this.webhooks.update(id, projectId, parseInput(updateWebhookSchema, body, 'WEBHOOK.INVALID')) };
  }

  @Delete(':id')
  async delete(@Param('id') id: string, @Query() query: unknown): Promise<{ webhook: WebhookView }> {
    const { projectId } = parseInput(ProjectQuery, query, 'WEBHOOK.INVALID');
    return { webhook: await this.webhooks.delete(id, projectId) };
  }

  @Post(':id/test')
  @HttpCode(202)
  async test(@Param('id') id: string, @Query() query: unknown): Promise<{ delivery: DeliveryView }> {
    const { projectId } = parseInput(ProjectQuery, query, 'WEBHOOK.INVALID');
    return { delivery: await this.webhooks.sendTest(id, projectId) };
  }

  @Get(':id/deliveries')
  async deliveries(@Param('id') id: string, @Query() query: unknown): Promise<{ deliveries: DeliveryView[] }> {
    const { projectId, limit } = parseInput(DeliveriesQuery, query, 'WEBHOOK.INVALID');
    return { deliveries: await this.webhooks.listDeliveries(id, projectId, limit) };
  }
}
