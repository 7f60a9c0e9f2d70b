import { WebhookEvent } from '@rotor/webhooks';

/** A webhook as the API shows it: never its secret. */
export interface WebhookView {
  id: string;
  projectId: string;
  url: string;
  description: string | null;
  events: WebhookEvent[];
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookRow {
  id: string;
  project_id: string;
  url: string;
  description: string | null;
  events: WebhookEvent[];
  enabled: boolean;
  secret_sealed: string;
  created_at: Date;
  updated_at: Date;
}

export function toWebhookView(row: WebhookRow): WebhookView {
  return {
    id: row.id,
    projectId: row.project_id,
    url: row.url,
    description: row.description,
    events: row.events,
    enabled: row.enabled,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
