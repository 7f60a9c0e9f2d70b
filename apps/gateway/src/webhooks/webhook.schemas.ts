import { z } from 'zod';
import { WEBHOOK_EVENTS, createWebhookSchema, updateWebhookSchema } from '@rotor/webhooks';
import { projectIdSchema } from '@rotor/rotation-domain';

/** `/api/v1/webhooks`: project webhooks on rotation outcomes (served by the alerts service). */

export { createWebhookSchema, updateWebhookSchema };

export const listWebhooksQuerySchema = z.strictObject({ projectId: projectIdSchema });

export const listDeliveriesQuerySchema = z.strictObject({
  limit: z
    .string()
    .regex(/^\d{1,3}$/, { error: 'must be a whole number from 1 to 200' })
    .transform(Number)
    .refine((n) => n >= 1 && n <= 200, { error: 'must be a whole number from 1 to 200' })
    .optional()
    .describe('How many of the newest deliveries (default 50, at most 200).'),
});

const webhookView = z.object({
  id: z.string(),
  projectId: z.string(),
  url: z.string(),
  description: z.string().nullable(),
  events: z.array(z.enum(WEBHOOK_EVENTS)),
  enabled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const deliveryView = z.object({
  id: z.string(),
  webhookId: z.string(),
  event: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  createdAt: z.string(),
  nextAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  body: z.object({}).loose().describe('The JSON body as sent (signed): id, event, occurredAt, projectId, rotation, message, data.'),
  attemptLog: z.array(
    z.object({ attempt: z.number().int(), attemptedAt: z.string(), statusCode: z.number().int().nullable(), durationMs: z.number().int(), error: z.string().nullable() }),
  ),
});

export const webhookResponseSchema = z.object({ webhook: webhookView });
export const createdWebhookResponseSchema = z.object({
  webhook: webhookView,
  secret: z.string().describe('The signing secret (whsec_…), shown in this answer only.'),
});
export const webhookListResponseSchema = z.object({ webhooks: z.array(webhookView) });
export const deliveryResponseSchema = z.object({ delivery: deliveryView });
export const deliveryListResponseSchema = z.object({ deliveries: z.array(deliveryView) });
