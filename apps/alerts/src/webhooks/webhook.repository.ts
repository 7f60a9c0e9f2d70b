import { Injectable } from '@nestjs/common';
import { WebhookEvent } from '@rotor/webhooks';
import { DataSource } from 'typeorm';
import { WebhookRow } from './webhook.view';

export interface WebhookChanges {
  url?: string;
  events?: WebhookEvent[];
  description?: string | null;
  enabled?: boolean;
}

/** The webhooks table. Every lookup by id is scoped by project when a project is given. */
@Injectable()
export class WebhookRepository {
  constructor(private readonly ds: DataSource) {}

  async insert(row: WebhookRow): Promise<WebhookRow> {
    const [saved]: WebhookRow[] = await this.ds.query(
      `INSERT INTO webhooks (id, project_id, url, description, events, enabled, secret_sealed, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
      [row.id, row.project_id, row.url, row.description, row.events, row.enabled, row.secret_sealed, row.created_at, row.updated_at],
    );
    return saved;
  }

  async list(projectId: string): Promise<WebhookRow[]> {
    return this.ds.query('SELECT * FROM webhooks WHERE project_id = $1 ORDER BY created_at, id', [projectId]);
  }

  /** `projectId` null: any project (the gateway's first lookup, to learn the project and authorize). */
  async find(id: string, projectId: string | null): Promise<WebhookRow | null> {
    const [row]: WebhookRow[] = await this.ds.query(
      'SELECT * FROM webhooks WHERE id = $1::uuid AND ($2::text IS NULL OR project_id = $2)',
      [id, projectId],
    );
    return row ?? null;
  }

  async update(id: string, projectId: string, changes: WebhookChanges, now: Date): Promise<WebhookRow | null> {
    // UPDATE and DELETE answer [rows, count] through TypeORM.
    const [rows]: [WebhookRow[], number] = await this.ds.query(
      `UPDATE webhooks SET
         url = COALESCE($3, url),
         events = COALESCE($4, events),
         description = CASE WHEN $5 THEN $6 ELSE description END,
         enabled = COALESCE($7, enabled),
         updated_at = $8
       WHERE id = $1::uuid AND project_id = $2 RETURNING *`,
      [id, projectId, changes.url ?? null, changes.events ?? null, changes.description !== undefined, changes.description ?? null, changes.enabled ?? null, now],
    );
    return rows[0] ?? null;
  }

  /** Its deliveries and their attempts go with it. */
  async delete(id: string, projectId: string): Promise<WebhookRow | null> {
    const [rows]: [WebhookRow[], number] = await this.ds.query('DELETE FROM webhooks WHERE id = $1::uuid AND project_id = $2 RETURNING *', [id, projectId]);
    return rows[0] ?? null;
  }
}
