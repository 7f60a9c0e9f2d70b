import { ALL_TOPICS, dlqTopic } from '@rotor/contracts';
import { sleep } from '@rotor/util';
import { Admin, Kafka } from 'kafkajs';

export const DEFAULT_PARTITIONS = 6;

/** Every Rotor topic and its dead-letter topic. */
export function allTopicsWithDlq(): string[] {
  return ALL_TOPICS.flatMap((t) => [t, dlqTopic(t)]);
}

/**
 * Creates the topics that do not exist yet (default: ALL_TOPICS and their `.dlq`), with
 * `numPartitions` partitions each, and waits until every partition of every requested topic
 * answers from its leader. Safe to call from every service at every start, concurrently:
 * existing topics are left as they are, and a topic another process created a moment ago
 * (listed, but its leaders not elected yet) is waited for too.
 */
export async function ensureTopics(
  kafka: Kafka,
  topics: string[] = allTopicsWithDlq(),
  opts: { numPartitions?: number; timeoutMs?: number } = {},
): Promise<void> {
  const wanted = [...new Set(topics)];
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = wanted.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      // Resolves false (nothing to do) when a concurrent caller created them first. Leaders are
      // awaited below, not by kafkajs: its own wait lets a metadata error of a topic that is
      // still being created (UNKNOWN_TOPIC_OR_PARTITION) escape as an unhandled rejection, which
      // ended a service starting beside another instance on a fresh 3-node cluster.
      await admin.createTopics({
        topics: missing.map((topic) => ({ topic, numPartitions: opts.numPartitions ?? DEFAULT_PARTITIONS })),
        waitForLeaders: false,
      });
    }
    await untilLed(admin, wanted, opts.timeoutMs ?? LEADER_TIMEOUT_MS);
  } finally {
    await admin.disconnect();
  }
}

const LEADER_TIMEOUT_MS = 30_000;
const LEADER_POLL_MS = 100;

/**
 * Waits until a ListOffsets of each topic succeeds: proof that every partition has a leader
 * serving it, which a fresh topic's metadata may claim a moment before it is true.
 * Non-retriable errors are thrown at once; retriable ones (NOT_LEADER_OR_FOLLOWER,
 * UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE) until `timeoutMs`.
 */
async function untilLed(admin: Admin, topics: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let pending = topics;
  for (;;) {
    const results = await Promise.allSettled(pending.map((topic) => admin.fetchTopicOffsets(topic)));
    const failed = pending.filter((_, i) => results[i].status === 'rejected');
    if (failed.length === 0) return;
    const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error & { retriable?: boolean }] : []));
    const fatal = errors.find((e) => e.retriable === false);
    if (fatal) throw fatal;
    if (Date.now() >= deadline) {
      throw new Error(`topics without a serving leader after ${timeoutMs} ms: ${failed.join(', ')} (${errors[0].message})`);
    }
    pending = failed;
    await sleep(LEADER_POLL_MS);
  }
}
