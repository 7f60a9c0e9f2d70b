import { waitFor } from '@rotor/testing';
import { Kafka } from 'kafkajs';

export interface Landed {
  topic: string;
  partition: number;
  offset: string;
}

/** Waits until the group has committed past `landed`: the message was handled (or dead-lettered). */
export async function waitUntilConsumed(kafka: Kafka, groupId: string, landed: Landed, timeoutMs = 30_000): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await waitFor(
      async () => {
        const [offsets] = await admin.fetchOffsets({ groupId, topics: [landed.topic] });
        const committed = offsets?.partitions.find((p) => p.partition === landed.partition)?.offset ?? '-1';
        return BigInt(committed) > BigInt(landed.offset);
      },
      { timeoutMs, intervalMs: 100, message: `group ${groupId} to commit past ${landed.topic}/${landed.partition}@${landed.offset}` },
    );
  } finally {
    await admin.disconnect();
  }
}

/** Rewinds the group to `landed`, as if the commit after handling it had never happened. */
export async function rewindGroupTo(kafka: Kafka, groupId: string, landed: Landed): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.setOffsets({ groupId, topic: landed.topic, partitions: [{ partition: landed.partition, offset: landed.offset }] });
  } finally {
    await admin.disconnect();
  }
}
