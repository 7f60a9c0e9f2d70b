import { ALL_TOPICS, dlqTopic } from '@rotor/contracts';
import { Kafka } from 'kafkajs';

export const DEFAULT_PARTITIONS = 6;

/** Every Rotor topic and its dead-letter topic. */
export function allTopicsWithDlq(): string[] {
  return ALL_TOPICS.flatMap((t) => [t, dlqTopic(t)]);
}

/**
 * Creates the topics that do not exist yet (default: ALL_TOPICS and their `.dlq`), with
 * `numPartitions` partitions each, and waits for their leaders. Safe to call from every
 * service at every start, concurrently: existing topics are left as they are.
 */
export async function ensureTopics(
  kafka: Kafka,
  topics: string[] = allTopicsWithDlq(),
  opts: { numPartitions?: number } = {},
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = [...new Set(topics)].filter((t) => !existing.has(t));
    if (missing.length === 0) return;
    await admin.createTopics({
      topics: missing.map((topic) => ({ topic, numPartitions: opts.numPartitions ?? DEFAULT_PARTITIONS })),
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
}
