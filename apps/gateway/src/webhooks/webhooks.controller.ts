import { Body, Controller, Delete, Get, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthenticatedIdentity, CurrentIdentity } from '../auth/authenticated-identity';
import { ApiAnswers, ApiIdParam, ApiJsonBody, ApiQueryFrom } from '../openapi/zod-openapi';
import { relay } from '../upstream/relay';
import {
  createWebhookSchema,
  createdWebhookResponseSchema,
  deliveryListResponseSchema,
  deliveryResponseSchema,
  listDeliveriesQuerySchema,
  listWebhooksQuerySchema,
  updateWebhookSchema,
  webhookListResponseSchema,
  webhookResponseSchema,
} from './webhook.schemas';
import { WebhooksService } from './webhooks.service';

const SIGNING =
  'Each delivery is a JSON POST signed with `x-rotor-signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`; ' +
  'failed deliveries (non-2xx, timeout, network error) are retried with capped exponential backoff.';

@ApiTags('Webhooks')
@Controller('api/v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @ApiOperation({ summary: 'Create a project webhook (permission: create)', description: `Answers the signing secret once. ${SIGNING}` })
  @ApiJsonBody(createWebhookSchema)
  @ApiAnswers(200, 'The webhook and its signing secret', createdWebhookResponseSchema)
  async create(@CurrentIdentity() identity: AuthenticatedIdentity, @Body() body: unknown, @Res({ passthrough: true }) res: Response) {
    return relay(res, await this.webhooks.create(identity, body));
  }

  @Get()
  @ApiOperation({ summary: 'List the webhooks of a project (permission: read)' })
  @ApiQueryFrom(listWebhooksQuerySchema)
  @ApiAnswers(200, 'The webhooks, without their secrets', webhookListResponseSchema)
  async list(@CurrentIdentity() identity: AuthenticatedIdentity, @Query() query: unknown, @Res({ passthrough: true }) res: Response) {
    return relay(res, await this.webhooks.list(identity, query));
  }

  @Get(':webhookId')
  @ApiOperation({ summary: 'Get a webhook (permission: read)' })
  @ApiIdParam('webhookId', 'Webhook id')
  @ApiAnswers(200, 'The webhook', webhookResponseSchema)
  async get(@CurrentIdentity() identity: AuthenticatedIdentity, @Param('webhookId') id: string, @Res({ passthrough: true }) res: Response) {
    return relay(res, await this.webhooks.get(identity, id));
  }

  @Patch(':webhookId')
  @ApiOperation({ summary: 'Update a webhook (permission: edit)', description: 'URL, events, description, enabled; the secret stays.' })
  @ApiIdParam('webhookId', 'Webhook id')
  @ApiJsonBody(updateWebhookSchema)
  @ApiAnswers(200, 'The webhook', webhookResponseSchema)
  async update(
    @CurrentIdentity() identity: AuthenticatedIdentity,
    @Param('webhookId') id: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ) {
    return relay(res, await this.webhooks.update(identity, id, body));
  }

  @Delete(':webhookId')
  @ApiOperation({ summary: 'Delete a webhook and its delivery log (permission: delete)' })
  @ApiIdParam('webhookId', 'Webhook id')
  @ApiAnswers(200, 'The deleted webhook', webhookResponseSchema)
  async delete(@CurrentIdentity() identity: AuthenticatedIdentity, @Param('webhookId') id: string, @Res({ passthrough: true }) res: Response) {
    return relay(res, await this.webhooks.delete(identity, id));
  }

  @Post(':webhookId/test')
  @ApiOperation({ summary: 'Send a test delivery (permission: edit)', description: `Queues a \`webhook.test\` delivery; follow it in the deliveries. ${SIGNING}` })
  @ApiIdParam('webhookId', 'Webhook id')
  @ApiAnswers(202, 'The queued delivery', deliveryResponseSchema)
  async test(@CurrentIdentity() identity: AuthenticatedIdentity, @Param('webhookId') id: string, @Res({ passthrough: true }) res: Response) {
    return relay(res, await this.webhooks.sendTest(identity, id));
  }

  @Get(':webhookId/deliveries')
  @ApiOperation({ summary: 'List the newest deliveries of a webhook, each attempt with its status, duration and error (permission: read)' })
  @ApiIdParam('webhookId', 'Webhook id')
  @ApiQueryFrom(listDeliveriesQuerySchema)
  @ApiAnswers(200, 'The deliveries, newest first', deliveryListResponseSchema)
  async deliveries(
    @CurrentIdentity() identity: AuthenticatedIdentity,
    @Param('webhookId') id: string,
    @Query() query: unknown,
    @Res({ passthrough: true }) res: Response,
  ) {
    return relay(res, await this.webhooks.deliveries(identity, id, query));
  }
}
