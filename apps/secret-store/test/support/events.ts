import { CredentialsRotated, Envelope, RotationDeleted, TOPICS, Topic, createEnvelope, serializeEnvelope, topicOf } from '@rotor/contracts';
import { EnvelopeCipher } from '@rotor/crypto';
import { Kafka, Partitioners, Producer, RecordMetadata } from 'kafkajs';
import { randomBytes, randomUUID } from 'node:crypto';

export const CONSUMED_TOPICS: Topic[] = [TOPICS.executorEvents, TOPICS.rotationEvents];

/** A password nobody else could have produced, so a scan for it finds only this test's copies. */
export function uniquePassword(): string {
  return `Pw-${randomBytes(24).toString('base64url')}!`;
}

export interface Rotation {
  rotationId: string;
  projectId: string;
  environment: string;
  secretPath: string;
  secretsMapping: { username: string; password: string };
}

export function newRotation(overrides: Partial<Rotation> = {}): Rotation {
  return {
    rotationId: randomUUID(),
    projectId: `proj-${randomBytes(4).toString('hex')}`,
    environment: 'prod',
    secretPath: '/cache',
    secretsMapping: { username: 'REDIS_USERNAME', password: 'REDIS_PASSWORD' },
    ...overrides,
  };
}

export function usernameFor(rotation: Rotation, index: 0 | 1): string {
  return `rotor_${rotation.rotationId.replace(/-/g, '')}_${index}`;
}

/** CredentialsRotated exactly as redis-executor emits it: the password sealed for the rotation. */
export function credentialsRotated(
  cipher: EnvelopeCipher,
  rotation: Rotation,
  generation: number,
  password: string,
  opts: { eventId?: string; sealFor?: { projectId: string; owner: string } } = {},
): Envelope<'CredentialsRotated'> {
  const activeIndex = (generation % 2 === 1 ? 0 : 1) as 0 | 1;
  const sealFor = opts.sealFor ?? { projectId: rotation.projectId, owner: rotation.rotationId };
  const payload: CredentialsRotated = {
    ...rotation,
    jobId: `job-${generation}-${randomBytes(3).toString('hex')}`,
    generation,
    activeIndex,
    username: usernameFor(rotation, activeIndex),
    password: cipher.seal(password, { ...sealFor, field: 'password' }),
    nodes: ['127.0.0.1:6379'],
    rotatedAt: new Date().toISOString(),
  };
  return createEnvelope('CredentialsRotated', rotation.rotationId, payload, { eventId: opts.eventId });
}

export function rotationDeleted(rotation: Rotation, deleteSecrets: boolean): Envelope<'RotationDeleted'> {
  const payload: RotationDeleted = {
    ...rotation,
    deleteSecrets,
    revokeGeneratedCredentials: false,
    deletedAt: new Date().toISOString(),
    requestedBy: { type: 'identity', id: 'identity-1', name: 'ci-deployer' },
  };
  return createEnvelope('RotationDeleted', rotation.rotationId, payload);
}

export class EventProducer {
  private constructor(private readonly producer: Producer) {}

  static async connect(kafka: Kafka): Promise<EventProducer> {
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    return new EventProducer(producer);
  }

  /** Produces to the event's real topic, keyed by its aggregate id; returns where it landed. */
  async send(event: Envelope): Promise<{ topic: string; partition: number; offset: string }> {
    const topic = topicOf(event.type);
    const [meta]: RecordMetadata[] = await this.producer.send({
      topic,
      acks: -1,
      messages: [{ key: event.aggregateId, value: serializeEnvelope(event) }],
    });
    return { topic, partition: meta.partition, offset: meta.baseOffset ?? '0' };
  }

  close(): Promise<void> {
    return this.producer.disconnect();
  }
}
