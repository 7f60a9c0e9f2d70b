/**
 * A service in another team that reloads its Redis credential when Rotor rotates it, by
 * consuming `SecretsUpdated` from `rotor.secrets.public.v1` directly (see consumers.md).
 *
 *   KAFKA_BROKERS=127.0.0.1:9092 ROTOR_PROJECT_ID=<project> ROTOR_ENVIRONMENT=dev \
 *     node -r ./tools/register.cjs docs/events/example-consumer.ts
 *
 * It needs kafkajs and zod; the event is validated against the published JSON Schema
 * (SecretsUpdated.schema.json beside this file), so it knows nothing of Rotor's code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { z } from 'zod';

/** The message value, as SecretsUpdated.schema.json describes it. */
export interface SecretsUpdatedEvent {
  eventId: string;
  type: 'SecretsUpdated';
  schemaVersion: 1;
  occurredAt: string;
  aggregateId: string;
  correlationId: string;
  causationId: string | null;
  payload: {
    projectId: string;
    environment: string;
    secretPath: string;
    rotationId: string | null;
    secrets: Array<{ key: string; version: number }>;
    updatedAt: string;
  };
}

const schema = z.fromJSONSchema(JSON.parse(readFileSync(join(__dirname, 'SecretsUpdated.schema.json'), 'utf8')));

/** The event, or null when the message does not match the published schema (log it and move on). */
export function parseSecretsUpdated(value: Buffer | string | null): SecretsUpdatedEvent | null {
  if (value === null) return null;
  try {
    const result = schema.safeParse(JSON.parse(value.toString()));
    return result.success ? (result.data as SecretsUpdatedEvent) : null;
  } catch {
    return null; // not JSON
  }
}

/**
 * What an idempotent consumer keeps: the event ids it handled (delivery is at least once) and
 * the highest version of each secret it reloaded (so a replay or an older event is a no-op).
 */
export class SecretVersions {
  private readonly seen = new Set<string>();
  private readonly versions = new Map<string, number>();

  /** The keys whose version moved past what was held; records the event as handled. */
  newer(event: SecretsUpdatedEvent): string[] {
    if (this.seen.has(event.eventId)) return [];
    this.seen.add(event.eventId);
    const moved = event.payload.secrets.filter((s) => s.version > (this.versions.get(s.key) ?? 0));
    for (const s of moved) this.versions.set(s.key, s.version);
    return moved.map((s) => s.key);
  }
}

export interface ConsumeOptions {
  brokers: string[];
  /** One group per instance when every instance must reload (the usual case). */
  groupId: string;
  projectId: string;
  environment: string;
  secretPath?: string;
  /** Called with the keys that have a new version: read their values through the secrets API. */
  onReload: (keys: string[], event: SecretsUpdatedEvent) => Promise<void>;
  /**
   * Called when kafkajs has given up on the consumer. It restarts it itself only after a
   * retriable error; after any other (a group coordinator it could not find while a broker
   * restarted, say) the consumer stays stopped. Exit and let your supervisor start you again,
   * or start a new consumer (what @rotor/redis-follower does).
   */
  onStopped: (error: Error) => void;
}

/** Starts consuming; resolves to a function that stops. */
export async function consumeSecretsUpdated(options: ConsumeOptions): Promise<() => Promise<void>> {
  const kafka = new Kafka({ clientId: options.groupId, brokers: options.brokers, logLevel: logLevel.WARN });
  const consumer = kafka.consumer({ groupId: options.groupId });
  const versions = new SecretVersions();
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) options.onStopped(payload.error);
  });
  await consumer.connect();
  await consumer.subscribe({ topic: 'rotor.secrets.public.v1', fromBeginning: false });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const event = parseSecretsUpdated(message.value);
      if (!event) return; // not a SecretsUpdated v1: skip it (a new version comes on a new topic)
      const { projectId, environment, secretPath } = event.payload;
      if (projectId !== options.projectId || environment !== options.environment || secretPath !== (options.secretPath ?? '/')) return;
      const keys = versions.newer(event);
      if (keys.length > 0) await options.onReload(keys, event);
    },
  });
  return () => consumer.disconnect();
}

if (require.main === module) {
  const env = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`set ${name}`);
    return value;
  };
  void consumeSecretsUpdated({
    brokers: env('KAFKA_BROKERS').split(','),
    groupId: `example-consumer-${process.pid}`,
    projectId: env('ROTOR_PROJECT_ID'),
    environment: process.env['ROTOR_ENVIRONMENT'] ?? 'dev',
    secretPath: process.env['ROTOR_SECRET_PATH'] ?? '/',
    onReload: async (keys, event) => {
      process.stdout.write(`reload ${keys.map((k) => `${k}@${event.payload.secrets.find((s) => s.key === k)?.version}`).join(' ')}\n`);
    },
    onStopped: (e) => {
      process.stderr.write(`the Kafka consumer stopped for good (${e.message}); exiting for the supervisor to restart\n`);
      process.exit(1);
    },
  }).then(
    (stop) => {
      process.stdout.write('listening\n');
      process.once('SIGTERM', () => void stop().then(() => process.exit(0)));
      process.once('SIGINT', () => void stop().then(() => process.exit(0)));
    },
    (e: Error) => {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    },
  );
}
