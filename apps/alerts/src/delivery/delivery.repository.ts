import { Injectable } from '@nestjs/common';
import { DeliveredEvent } from '@rotor/webhooks';
import { DataSource, EntityManager } from 'typeorm';

/** A delivery claimed for an attempt, with what sending needs. */
export interface ClaimedDelivery {
  id: string;
  webhookId: string;
  projectId: string;
  url: string;
  secretSealed: string;
  event: DeliveredEvent;
  body: string;
  attempts: number;
}

export interface AttemptOutcome {
  attemptedAt: Date;
  statusCode: number | null;
  durationMs: number;
  /** Why it failed, for people: a status, a timeout, a network error code. Never a secret. */
  error: string | null;
}

export interface AttemptView {
  attempt: number;
  attemptedAt: string;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}

export interface DeliveryView {
  id: string;
  webhookId: string;
  event: DeliveredEvent;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  createdAt: string;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  /** The signed JSON body, as sent. */
  body: unknown;
  attemptLog: AttemptView[];
}

/**
 * webhook_deliveries and delivery_attempts. A delivery is written once (in the consumer's
 * transaction, or by "send a test"), claimed by the delivery loop with a lease (its
 * next_attempt_at moves past the attempt's timeout, so a sender that dies mid-attempt leaves it
 * to be claimed again), and settled with one attempt row per try.
 */
@Injectable()
export class DeliveryRepository {
  constructor(private readonly ds: DataSource) {}

  /** Once per (webhook, source event): a redelivered event adds nothing. */
  static async enqueue(
    tx: EntityManager,
    d: { id: string; webhookId: string; sourceEventId: string; event: DeliveredEvent; body: string; now: Date },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO webhook_deliveries (id, webhook_id, source_event_id, event, body, status, attempts, next_attempt_at, created_at)
       VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, $6)
       ON CONFLICT (webhook_id, source_event_id) DO NOTHING`,
      [d.id, d.webhookId, d.sourceEventId, d.event, d.body, d.now],
    );
  }

  async enqueue(d: Parameters<typeof DeliveryRepository.enqueue>[1]): Promise<void> {
    await DeliveryRepository.enqueue(this.ds.manager, d);
  }

  /** Up to `limit` due deliveries, oldest due first; each is leased until `leaseUntil`. Several instances never claim one twice. */
  async claimDue(now: Date, leaseUntil: Date, limit: number): Promise<ClaimedDelivery[]> {
    const rows: Array<{
      id: string; webhook_id: string; project_id: string; url: string; secret_sealed: string; event: DeliveredEvent; body: string; attempts: number;
    }> = await this.ds.query(
      `WITH claimed AS (
         UPDATE webhook_deliveries SET next_attempt_at = $2
          WHERE id IN (
            SELECT id FROM webhook_deliveries
             WHERE status = 'pending' AND next_attempt_at <= $1
             ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
         RETURNING id, webhook_id, event, body, attempts)
       SELECT c.*, w.project_id, w.url, w.secret_sealed FROM claimed c JOIN webhooks w ON w.id = c.webhook_id`,
      [now, leaseUntil, limit],
    );
    return rows.map((r) => ({
      id: r.id, webhookId: r.webhook_id, projectId: r.project_id, url: r.url, secretSealed: r.secret_sealed, event: r.event, body: r.body, attempts: r.attempts,
    }));
  }

  /**
   * Logs the attempt and settles the delivery: delivered, pending again at `retryAt`, or
   * failed for good (`retryAt` null after a failure).
   */
  async record(deliveryId: string, outcome: AttemptOutcome, delivered: boolean, retryAt: Date | null): Promise<void> {
    await this.ds.transaction(async (tx) => {
      const [rows]: [Array<{ attempts: number }>, number] = await tx.query(
        `UPDATE webhook_deliveries SET
           attempts = attempts + 1,
           status = CASE WHEN $2 THEN 'delivered' WHEN $3::timestamptz IS NULL THEN 'failed' ELSE 'pending' END,
           next_attempt_at = CASE WHEN $2 THEN NULL ELSE $3::timestamptz END,
           delivered_at = CASE WHEN $2 THEN $4::timestamptz ELSE NULL END,
           last_status_code = $5,
           last_error = $6
         WHERE id = $1 AND status = 'pending' RETURNING attempts`,
        [deliveryId, delivered, retryAt, outcome.attemptedAt, outcome.statusCode, outcome.error],
      );
      if (rows.length === 0) return; // its webhook was deleted meanwhile
      await tx.query(
        `INSERT INTO delivery_attempts (delivery_id, attempt, attempted_at, status_code, duration_ms, error) VALUES ($1, $2, $3, $4, $5, $6)`,
        [deliveryId, rows[0].attempts, outcome.attemptedAt, outcome.statusCode, outcome.durationMs, outcome.error],
      );
    });
  }

  /** The newest `limit` deliveries of a webhook, each with its attempts in order. */
  async listForWebhook(webhookId: string, limit: number): Promise<DeliveryView[]> {
    const rows: Array<{
      id: string; webhook_id: string; event: DeliveredEvent; status: DeliveryView['status']; attempts: number; created_at: Date;
      next_attempt_at: Date | null; delivered_at: Date | null; last_status_code: number | null; last_error: string | null; body: string;
      attempt_log: Array<{ attempt: number; attempted_at: string; status_code: number | null; duration_ms: number; error: string | null }> | null;
    }> = await this.ds.query(
      `SELECT d.*, (
         SELECT json_agg(json_build_object('attempt', a.attempt, 'attempted_at', a.attempted_at, 'status_code', a.status_code,
                                           'duration_ms', a.duration_ms, 'error', a.error) ORDER BY a.attempt)
           FROM delivery_attempts a WHERE a.delivery_id = d.id) AS attempt_log
         FROM webhook_deliveries d WHERE d.webhook_id = $1 ORDER BY d.created_at DESC, d.id LIMIT $2`,
      [webhookId, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      webhookId: r.webhook_id,
      event: r.event,
      status: r.status,
      attempts: r.attempts,
      createdAt: r.created_at.toISOString(),
      nextAttemptAt: r.next_attempt_at?.toISOString() ?? null,
      deliveredAt: r.delivered_at?.toISOString() ?? null,
      lastStatusCode: r.last_status_code,
      lastError: r.last_error,
      body: JSON.parse(r.body) as unknown,
      attemptLog: (r.attempt_log ?? []).map((a) => ({
        attempt: a.attempt,
        attemptedAt: new Date(a.attempted_at).toISOString(),
        statusCode: a.status_code,
        durationMs: a.duration_ms,
        error: a.error,
      })),
    }));
  }
}
