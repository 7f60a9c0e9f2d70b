import { z } from 'zod';
import { TOPICS, Topic } from './topics';
import {
  RevocationRequestedV1, RotationAttemptFailedV1, RotationCompletedV1, RotationCreatedV1,
  RotationDeletedV1, RotationRequestedV1, RotationUpdatedV1,
} from './events/rotation-events';
import { CredentialsRevokedV1, CredentialsRotatedV1, RotationFailedV1 } from './events/executor-events';
import { RotationDueV1, RotationGaveUpV1, RotationTimedOutV1 } from './events/scheduler-events';
import { RotationSecretsStoredV1, SecretsUpdatedV1 } from './events/secret-events';
import { CredentialsVerifiedV1, RotationDriftedV1, RotationHealedV1 } from './events/verification-events';
import { AuditRecordedV1 } from './events/audit-events';

interface EventDefinition {
  topic: Topic;
  schemaVersion: number;
  payload: z.ZodType;
}

/**
 * The one registry of events: type → topic, schema version and payload schema.
 * `satisfies` keeps the literal types, so payload types are inferred per event type.
 */
export const EVENTS = {
  RotationCreated: { topic: TOPICS.rotationEvents, schemaVersion: 1, payload: RotationCreatedV1 },
  RotationUpdated: { topic: TOPICS.rotationEvents, schemaVersion: 1, payload: RotationUpdatedV1 },
  RotationDeleted: { topic: TOPICS.rotationEvents, schemaVersion: 1, payload: RotationDeletedV1 },
  RotationRequested: { topic: TOPICS.rotationEvents, schemaVersion: 1, payload: RotationRequestedV1 },
  RotationCompleted: { topic: TOPICS.rotationEvents, schemaVersion: 1, payload: RotationCompletedV1 },
  RotationAttemptFailed: { topic: TOPICS.rotationEvents, schemaVersion: 1, payload: RotationAttemptFailedV1 },
  RevocationRequested: { topic: TOPICS.rotationEvents, schemaVersion: 1, payload: RevocationRequestedV1 },
  CredentialsRotated: { topic: TOPICS.executorEvents, schemaVersion: 1, payload: CredentialsRotatedV1 },
  RotationFailed: { topic: TOPICS.executorEvents, schemaVersion: 1, payload: RotationFailedV1 },
  CredentialsRevoked: { topic: TOPICS.executorEvents, schemaVersion: 1, payload: CredentialsRevokedV1 },
  RotationDue: { topic: TOPICS.schedulerEvents, schemaVersion: 1, payload: RotationDueV1 },
  RotationGaveUp: { topic: TOPICS.schedulerEvents, schemaVersion: 1, payload: RotationGaveUpV1 },
  // From the scheduler, on the executor's topic: ordered with CredentialsRotated (see its schema).
  RotationTimedOut: { topic: TOPICS.executorEvents, schemaVersion: 1, payload: RotationTimedOutV1 },
  RotationSecretsStored: { topic: TOPICS.secretsInternal, schemaVersion: 1, payload: RotationSecretsStoredV1 },
  SecretsUpdated: { topic: TOPICS.secretsPublic, schemaVersion: 1, payload: SecretsUpdatedV1 },
  // Continuous verification: the executor's checks, and rotation-config's drift/heal transitions.
  CredentialsVerified: { topic: TOPICS.executorEvents, schemaVersion: 1, payload: CredentialsVerifiedV1 },
  RotationDrifted: { topic: TOPICS.rotationEvents, schemaVersion: 1, payload: RotationDriftedV1 },
  RotationHealed: { topic: TOPICS.rotationEvents, schemaVersion: 1, payload: RotationHealedV1 },
  AuditRecorded: { topic: TOPICS.audit, schemaVersion: 1, payload: AuditRecordedV1 },
} as const satisfies Record<string, EventDefinition>;

export type EventType = keyof typeof EVENTS;
export type PayloadOf<T extends EventType> = z.infer<(typeof EVENTS)[T]['payload']>;

export const EVENT_TYPES = Object.keys(EVENTS) as EventType[];

export function isEventType(type: string): type is EventType {
  return Object.prototype.hasOwnProperty.call(EVENTS, type);
}

export function topicOf(type: EventType): Topic {
  return EVENTS[type].topic;
}

/** The event types carried on one topic. */
export function eventTypesOn(topic: Topic): EventType[] {
  return EVENT_TYPES.filter((t) => EVENTS[t].topic === topic);
}
