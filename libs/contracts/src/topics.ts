/**
 * Every Kafka topic name Rotor uses is written here and nowhere else.
 * Topics are versioned: a breaking change to an event goes to a new topic version.
 * The message key on every topic is the aggregate id (the rotation id), so per-rotation
 * order holds.
 */
export const TOPICS = {
  /** Events of the Rotation aggregate, published by rotation-config. */
  rotationEvents: 'rotor.rotation.events.v1',
  /**
   * Outcomes of work on Redis, published by redis-executor, and rotation-scheduler's lease
   * timeouts, which must reach the secret store in order with them.
   */
  executorEvents: 'rotor.executor.events.v1',
  /** Due rotations, published by rotation-scheduler. */
  schedulerEvents: 'rotor.scheduler.events.v1',
  /** Secret-store acknowledgements for rotation-config. */
  secretsInternal: 'rotor.secrets.internal.v1',
  /** Public integration events for services in other teams. */
  secretsPublic: 'rotor.secrets.public.v1',
  /**
   * The gateway's audit records, for a SIEM: one per API request, key = the record's chain
   * (its project's id, or `global`), so each chain arrives in order.
   */
  audit: 'rotor.audit.v1',
} as const;

export type Topic = (typeof TOPICS)[keyof typeof TOPICS];

export const ALL_TOPICS: readonly Topic[] = Object.values(TOPICS);

/** Where a consumer parks a message it could not handle after its retries. */
export function dlqTopic(topic: string): string {
  return `${topic}.dlq`;
}
