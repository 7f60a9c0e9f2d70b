import { z } from 'zod';
import { WEBHOOK_EVENTS } from './webhook-events';

/** Request bodies of the webhook API, shared by the gateway (which answers 400 naming each field) and the alerts service. */

const webhookUrlSchema = z
  .string()
  .max(2048, { error: 'must be at most 2048 characters' })
  .superRefine((value, ctx) => {
    const problem = urlProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .describe('Where deliveries are POSTed: an absolute http:// or https:// URL, without user or password.');

const webhookEventsSchema = z
  .array(z.enum(WEBHOOK_EVENTS, { error: `must be one of ${WEBHOOK_EVENTS.join(', ')}` }))
  .min(1, { error: 'must name at least one event' })
  .max(WEBHOOK_EVENTS.length)
  .refine((events) => new Set(events).size === events.length, { error: 'must not repeat an event' })
  .describe(`Events to deliver: ${WEBHOOK_EVENTS.join(', ')}.`);

const descriptionSchema = z.string().max(256, { error: 'must be at most 256 characters' }).nullable().describe('Free text, at most 256 characters.');

export const createWebhookSchema = z.strictObject({
  projectId: z.string().min(1).max(64).describe('Id of the project (UUID).'),
  url: webhookUrlSchema,
  events: webhookEventsSchema,
  description: descriptionSchema.default(null),
  enabled: z.boolean().default(true).describe('A disabled webhook receives nothing (deliveries already queued still go).'),
});

export const updateWebhookSchema = z
  .strictObject({
    url: webhookUrlSchema.optional(),
    events: webhookEventsSchema.optional(),
    description: descriptionSchema.optional(),
    enabled: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { error: 'must change at least one field (url, events, description, enabled)' });

export type CreateWebhook = z.output<typeof createWebhookSchema>;
export type UpdateWebhook = z.output<typeof updateWebhookSchema>;

function urlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL such as https://hooks.example.com/rotor';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must use http or https';
  if (url.username !== '' || url.password !== '') return 'must not contain a user or password (deliveries are signed instead)';
  return null;
}
