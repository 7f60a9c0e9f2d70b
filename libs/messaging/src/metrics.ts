import { Gauge, register } from 'prom-client';

/**
 * Messaging metrics on prom-client's default registry (served at /metrics by every service):
 * how far each consumer group is behind, and how many events wait in the outbox.
 */
export const consumerLag = reuse(
  'rotor_consumer_lag',
  () => new Gauge({ name: 'rotor_consumer_lag', help: 'Messages between a group\'s position and the partition\'s end, at its last batch', labelNames: ['group', 'topic', 'partition'] }),
);

const backlogSources = new Set<() => Promise<number>>();

export const outboxBacklog = reuse(
  'rotor_outbox_backlog',
  () =>
    new Gauge({
      name: 'rotor_outbox_backlog',
      help: 'Outbox rows not yet published to Kafka',
      async collect() {
        let total = 0;
        for (const source of backlogSources) total += await source().catch(() => 0);
        this.set(total);
      },
    }),
);

/** Counts a relay's backlog in `rotor_outbox_backlog` until the returned function is called. */
export function trackOutboxBacklog(source: () => Promise<number>): () => void {
  backlogSources.add(source);
  return () => backlogSources.delete(source);
}

function reuse<T extends Gauge<string>>(name: string, create: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? create();
}
