import type { Envelope } from '@rotor/contracts';
import { DeliveredEvent, TEST_EVENT, WebhookEvent } from './webhook-events';

/**
 * The JSON body of every delivery. Ids, names, times and messages only: Rotor's events carry
 * no plaintext credential, and nothing here copies a sealed value, a username or a password.
 */
export interface WebhookAlert {
  /** The delivery's id: the same on every attempt, so a receiver can drop duplicates. */
  id: string;
  event: DeliveredEvent;
  occurredAt: string;
  projectId: string;
  /** The rotation it is about; `name` is null when alerts has not seen the rotation's creation. */
  rotation: { id: string; name: string | null } | null;
  /** One sentence for a human (a failure's message is already redacted by Rotor). */
  message: string;
  data: Record<string, unknown>;
}

/** What alerts knows of a rotation from its RotationCreated / RotationUpdated events. */
export interface KnownRotation {
  projectId: string;
  name: string;
}

/** An alert before it is addressed to a webhook (the delivery id is added per webhook). */
export type AlertDraft = Omit<WebhookAlert, 'id'> & { event: WebhookEvent };

export type AlertSource = Envelope<'RotationGaveUp'> | Envelope<'RotationAttemptFailed'> | Envelope<'RotationCompleted'> | Envelope<'SecretsUpdated'>;

/** The webhook event each source raises (when it raises one; see alertFor). */
export const ALERT_EVENTS: { readonly [T in AlertSource['type']]: WebhookEvent } = {
  RotationGaveUp: 'rotation.failed',
  RotationAttemptFailed: 'rotation.attempt_failed',
  RotationCompleted: 'rotation.succeeded',
  SecretsUpdated: 'secrets.updated',
};

/**
 * The alert an event raises. `known` is what alerts knows of the event's rotation; events that
 * do not carry their project (RotationCompleted, RotationAttemptFailed) raise nothing without it.
 */
export function alertFor(source: AlertSource, known: KnownRotation | null): AlertDraft | null {
  const rotation = (id: string) => ({ id, name: known?.name ?? null });
  const label = (id: string) => `Rotation ${known?.name ?? id}`;
  switch (source.type) {
    case 'RotationGaveUp': {
      const p = source.payload;
      const next = p.nextRotationAt ? `; next regular rotation at ${p.nextRotationAt}` : '';
      return {
        event: ALERT_EVENTS.RotationGaveUp,
        occurredAt: p.gaveUpAt,
        projectId: p.projectId,
        rotation: rotation(p.rotationId),
        message: `${label(p.rotationId)} failed and will not be retried (attempt ${p.attempt}${next}): ${p.message}`,
        data: { jobId: p.jobId, generation: p.generation, attempt: p.attempt, dueAt: p.dueAt, retryable: p.retryable, nextRotationAt: p.nextRotationAt, error: p.message },
      };
    }
    case 'RotationAttemptFailed': {
      if (known === null) return null;
      const p = source.payload;
      return {
        event: ALERT_EVENTS.RotationAttemptFailed,
        occurredAt: p.failedAt,
        projectId: known.projectId,
        rotation: rotation(p.rotationId),
        message: `${label(p.rotationId)}: attempt ${p.attempt} (${p.reason}) failed: ${p.message}`,
        data: { jobId: p.jobId, generation: p.generation, reason: p.reason, attempt: p.attempt, dueAt: p.dueAt, retryable: p.retryable, error: p.message },
      };
    }
    case 'RotationCompleted': {
      if (known === null) return null;
      const p = source.payload;
      return {
        event: ALERT_EVENTS.RotationCompleted,
        occurredAt: p.rotatedAt,
        projectId: known.projectId,
        rotation: rotation(p.rotationId),
        message: `${label(p.rotationId)} succeeded (${p.reason}): credential set ${p.activeIndex} is active`,
        data: { jobId: p.jobId, generation: p.generation, reason: p.reason, activeIndex: p.activeIndex, rotatedAt: p.rotatedAt, nextRotationAt: p.nextRotationAt },
      };
    }
    case 'SecretsUpdated': {
      const p = source.payload;
      const keys = p.secrets.map((s) => `${s.key} v${s.version}`).join(', ');
      return {
        event: ALERT_EVENTS.SecretsUpdated,
        occurredAt: p.updatedAt,
        projectId: p.projectId,
        rotation: p.rotationId === null ? null : rotation(p.rotationId),
        message: `Secrets updated in ${p.environment} ${p.secretPath}: ${keys}`,
        data: { environment: p.environment, secretPath: p.secretPath, secrets: p.secrets.map((s) => ({ key: s.key, version: s.version })) },
      };
    }
  }
}

/** The body of "send a test". */
export function testAlert(webhookId: string, projectId: string, now: Date): Omit<WebhookAlert, 'id'> {
  return {
    event: TEST_EVENT,
    occurredAt: now.toISOString(),
    projectId,
    rotation: null,
    message: 'A test delivery from Rotor: this webhook is reachable and its signature checks out.',
    data: { webhookId },
  };
}
