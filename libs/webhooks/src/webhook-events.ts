/**
 * What a project webhook can subscribe to, and the Rotor event each one comes from:
 * - `rotation.failed` — a failure the scheduler will not retry (`RotationGaveUp`): the
 *   rotation stays failed until its next regular due time or a manual rotation;
 * - `rotation.attempt_failed` — any failed attempt, retried or not (`RotationAttemptFailed`);
 * - `rotation.succeeded` — a rotation completed and its secrets are stored (`RotationCompleted`);
 * - `secrets.updated` — secrets have new versions (`SecretsUpdated`, keys and versions only).
 */
export const WEBHOOK_EVENTS = ['rotation.failed', 'rotation.attempt_failed', 'rotation.succeeded', 'secrets.updated'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** Sent by "send a test" only; no webhook subscribes to it. */
export const TEST_EVENT = 'webhook.test';
export type DeliveredEvent = WebhookEvent | typeof TEST_EVENT;
