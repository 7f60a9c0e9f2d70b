import { Envelope, RotationTimedOut, TOPICS, createEnvelope } from '@rotor/contracts';
import { TopicOffsets, startCollecting, topicOffsets } from '@rotor/testing';
import { SecretView } from '../src/secrets/secret.view';
import { waitUntilConsumed } from './support/consumed';
import { Rotation, credentialsRotated, newRotation, uniquePassword } from './support/events';
import { SecretStoreHarness } from './support/harness';

jest.setTimeout(90_000);

/**
 * rotation-scheduler's RotationTimedOut and the job's CredentialsRotated share the executor
 * topic and the rotation's key, so the secret store sees them in one order, and whichever
 * comes first decides the job: stored, or fenced and reported failed. Never both, so
 * rotation-config cannot rotate the slot again while the store serves its credential.
 */
describe('secret store: a job whose lease ran out', () => {
  const h = new SecretStoreHarness('timed_out');
  let since: TopicOffsets;

  beforeAll(() =>
    h.start(async (stack) => {
      since = await topicOffsets(stack.kafka, TOPICS.executorEvents);
    }),
  );
  afterAll(() => h.stop());

  function timedOut(cause: Envelope<'CredentialsRotated'>): Envelope<'RotationTimedOut'> {
    const p = cause.payload;
    const payload: RotationTimedOut = {
      rotationId: p.rotationId,
      projectId: p.projectId,
      jobId: p.jobId,
      generation: p.generation,
      message: 'timeout: no outcome within the 300 s lease; declared timed out by rotation-scheduler',
      timedOutAt: new Date().toISOString(),
    };
    return createEnvelope('RotationTimedOut', p.rotationId, payload);
  }

  async function served(r: Rotation): Promise<SecretView | undefined> {
    const res = await h.app.get(`/internal/secrets/raw?projectId=${r.projectId}&environment=${r.environment}&secretPath=${r.secretPath}`).expect(200);
    return (res.body.secrets as SecretView[]).find((s) => s.secretKey === r.secretsMapping.password);
  }

  async function outbox(rotationId: string): Promise<{ type: string; payload: unknown }[]> {
    return h.stack.db.query("SELECT envelope->>'type' AS type, envelope->'payload' AS payload FROM outbox WHERE key = $1 ORDER BY id", [rotationId]);
  }

  async function outboxTypes(rotationId: string): Promise<string[]> {
    return (await outbox(rotationId)).map((row) => row.type);
  }

  /** RotationFailed events about a job on the executor topic, as rotation-config would get them. */
  function failuresOf(jobId: string) {
    return startCollecting(h.stack.kafka, TOPICS.executorEvents, {
      since,
      filter: (m) => (m.value ?? '').includes(jobId) && (m.value ?? '').includes('"RotationFailed"'),
    });
  }

  it('fences a job that timed out before its credential arrived: not stored, reported failed, the late credential ignored', async () => {
    const r = newRotation();
    const first = uniquePassword();
    await waitUntilConsumed(h.stack.kafka, h.stack.groupId, await h.producer.send(credentialsRotated(h.stack.cipher, r, 1, first)));
    const late = credentialsRotated(h.stack.cipher, r, 2, uniquePassword());
    const failures = await failuresOf(late.payload.jobId);
    try {
      await h.producer.send(timedOut(late));
      await waitUntilConsumed(h.stack.kafka, h.stack.groupId, await h.producer.send(late));

      expect(await served(r)).toMatchObject({ version: 1, secretValue: first });
      // This store's own account (other suites' secret stores may share the broker's topics).
      expect(await outboxTypes(r.rotationId)).toEqual(['RotationSecretsStored', 'SecretsUpdated', 'RotationFailed']);
      const [failed] = await failures.waitFor(1, 30_000);
      expect(JSON.parse(failed.value ?? '{}')).toMatchObject({
        type: 'RotationFailed',
        aggregateId: r.rotationId,
        payload: { jobId: late.payload.jobId, generation: 2, retryable: true, node: null, message: expect.stringMatching(/^timeout: .*none will be$/) },
      });
    } finally {
      await failures.stop();
    }
  });

  it('sends the completion of a job stored before its lease ran out once more, as it was stored', async () => {
    const r = newRotation();
    await waitUntilConsumed(h.stack.kafka, h.stack.groupId, await h.producer.send(credentialsRotated(h.stack.cipher, r, 1, uniquePassword())));
    const second = uniquePassword();
    const onTime = credentialsRotated(h.stack.cipher, r, 2, second);
    await h.producer.send(onTime);
    await waitUntilConsumed(h.stack.kafka, h.stack.groupId, await h.producer.send(timedOut(onTime)));

    expect(await served(r)).toMatchObject({ version: 2, secretValue: second });
    // The first RotationSecretsStored may be lost with a broker; the job must not stay in flight.
    const events = await outbox(r.rotationId);
    expect(events.map((e) => e.type)).toEqual([
      'RotationSecretsStored', 'SecretsUpdated', 'RotationSecretsStored', 'SecretsUpdated', 'RotationSecretsStored',
    ]);
    expect(events[4].payload).toEqual(events[2].payload);
    expect(events[4].payload).toMatchObject({ jobId: onTime.payload.jobId, generation: 2, activeIndex: 1, versions: { username: 2, password: 2 } });
  });

  it('reports nothing for a timed-out job that a later job stored over', async () => {
    const r = newRotation();
    const first = credentialsRotated(h.stack.cipher, r, 1, uniquePassword());
    await h.producer.send(first);
    await waitUntilConsumed(h.stack.kafka, h.stack.groupId, await h.producer.send(credentialsRotated(h.stack.cipher, r, 2, uniquePassword())));
    await waitUntilConsumed(h.stack.kafka, h.stack.groupId, await h.producer.send(timedOut(first)));

    expect(await outboxTypes(r.rotationId)).toEqual(['RotationSecretsStored', 'SecretsUpdated', 'RotationSecretsStored', 'SecretsUpdated']);
  });
});
