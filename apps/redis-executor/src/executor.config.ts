import { Topic, TOPICS } from '@rotor/contracts';
import { envString } from '@rotor/util';
import { defaultDatabaseUrl } from './data-source';

export interface ExecutorConfig {
  databaseUrl: string;
  /** Kafka consumer group, and the inbox's consumer name. */
  groupId: string;
  /** Where RotationRequested / RevocationRequested arrive; tests use a topic of their own. */
  rotationTopic: Topic;
  kafkaClientId: string;
}

export const SERVICE_NAME = 'redis-executor';

export function executorConfigFromEnv(): ExecutorConfig {
  return {
    databaseUrl: defaultDatabaseUrl(),
    groupId: envString('EXECUTOR_GROUP_ID', SERVICE_NAME),
    rotationTopic: TOPICS.rotationEvents,
    kafkaClientId: envString('KAFKA_CLIENT_ID', SERVICE_NAME),
  };
}
