import { Topic, TOPICS } from '@rotor/contracts';
import { envInt, envString } from '@rotor/util';
import { defaultDatabaseUrl } from './data-source';

export interface ExecutorConfig {
  databaseUrl: string;
  /** Kafka consumer group, and the inbox's consumer name. */
  groupId: string;
  /** Where RotationRequested / RevocationRequested arrive; tests use a topic of their own. */
  rotationTopic: Topic;
  kafkaClientId: string;
  /**
   * A RotationRequested older than this is abandoned, not executed: by then the scheduler
   * has declared it failed (lease expiry) and a retry may already target the same slot, so
   * a late execution could make the secret store briefly serve a password Redis no longer
   * accepts. Same variable as the scheduler's lease.
   */
  leaseMs?: number;
}

export const SERVICE_NAME = 'redis-executor';

export function executorConfigFromEnv(): ExecutorConfig {
  return {
    databaseUrl: defaultDatabaseUrl(),
    groupId: envString('EXECUTOR_GROUP_ID', SERVICE_NAME),
    rotationTopic: TOPICS.rotationEvents,
    kafkaClientId: envString('KAFKA_CLIENT_ID', SERVICE_NAME),
    leaseMs: envInt('ROTOR_ROTATION_LEASE_SECONDS', 300) * 1000,
  };
}
