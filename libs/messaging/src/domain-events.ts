import { AnyEnvelope, Envelope, EventType, PayloadOf } from '@rotor/contracts';

/**
 * @nestjs/cqrs routes events by class, while events cross the wire as plain JSON parsed by the
 * contracts. These classes are the one bridge: `toDomainEvent(envelope)` rebuilds the class of
 * the envelope's type, ready for `EventBus.publish()` and `@EventsHandler(RotationDueEvent)`.
 */
export abstract class DomainEvent<T extends EventType = EventType> {
  constructor(readonly envelope: Envelope<T>) {}

  get type(): T {
    return this.envelope.type;
  }

  get payload(): PayloadOf<T> {
    return this.envelope.payload;
  }
}

export class RotationCreatedEvent extends DomainEvent<'RotationCreated'> {}
export class RotationUpdatedEvent extends DomainEvent<'RotationUpdated'> {}
export class RotationDeletedEvent extends DomainEvent<'RotationDeleted'> {}
export class RotationRequestedEvent extends DomainEvent<'RotationRequested'> {}
export class RotationCompletedEvent extends DomainEvent<'RotationCompleted'> {}
export class RotationAttemptFailedEvent extends DomainEvent<'RotationAttemptFailed'> {}
export class RevocationRequestedEvent extends DomainEvent<'RevocationRequested'> {}
export class CredentialsRotatedEvent extends DomainEvent<'CredentialsRotated'> {}
export class RotationFailedEvent extends DomainEvent<'RotationFailed'> {}
export class CredentialsRevokedEvent extends DomainEvent<'CredentialsRevoked'> {}
export class RotationDueEvent extends DomainEvent<'RotationDue'> {}
export class RotationGaveUpEvent extends DomainEvent<'RotationGaveUp'> {}
export class RotationTimedOutEvent extends DomainEvent<'RotationTimedOut'> {}
export class RotationSecretsStoredEvent extends DomainEvent<'RotationSecretsStored'> {}
export class SecretsUpdatedEvent extends DomainEvent<'SecretsUpdated'> {}
export class CredentialsVerifiedEvent extends DomainEvent<'CredentialsVerified'> {}
export class RotationDriftedEvent extends DomainEvent<'RotationDrifted'> {}
export class RotationHealedEvent extends DomainEvent<'RotationHealed'> {}
export class AuditRecordedEvent extends DomainEvent<'AuditRecorded'> {}

/** Exhaustive: a new event type in the contracts does not compile until it has a class here. */
export const DOMAIN_EVENT_CLASSES = {
  RotationCreated: RotationCreatedEvent,
  RotationUpdated: RotationUpdatedEvent,
  RotationDeleted: RotationDeletedEvent,
  RotationRequested: RotationRequestedEvent,
  RotationCompleted: RotationCompletedEvent,
  RotationAttemptFailed: RotationAttemptFailedEvent,
  RevocationRequested: RevocationRequestedEvent,
  CredentialsRotated: CredentialsRotatedEvent,
  RotationFailed: RotationFailedEvent,
  CredentialsRevoked: CredentialsRevokedEvent,
  RotationDue: RotationDueEvent,
  RotationGaveUp: RotationGaveUpEvent,
  RotationTimedOut: RotationTimedOutEvent,
  RotationSecretsStored: RotationSecretsStoredEvent,
  SecretsUpdated: SecretsUpdatedEvent,
  CredentialsVerified: CredentialsVerifiedEvent,
  RotationDrifted: RotationDriftedEvent,
  RotationHealed: RotationHealedEvent,
  AuditRecorded: AuditRecordedEvent,
} as const satisfies { [T in EventType]: new (envelope: Envelope<T>) => DomainEvent<T> };

export type DomainEventOf<T extends EventType> = InstanceType<(typeof DOMAIN_EVENT_CLASSES)[T]>;

export function toDomainEvent<T extends EventType>(envelope: Envelope<T>): DomainEventOf<T>;
export function toDomainEvent(envelope: AnyEnvelope): DomainEvent;
export function toDomainEvent(envelope: AnyEnvelope): DomainEvent {
  const EventClass = DOMAIN_EVENT_CLASSES[envelope.type] as new (envelope: AnyEnvelope) => DomainEvent;
  return new EventClass(envelope);
}
