import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { TOPICS } from '@rotor/contracts';
import {
  ADMIN_PASSWORD, ADMIN_USER, authenticates, Platform, RedisFleet, RedisServer, RotorApi, sampleRotationRequest, Service, startCollecting,
  topicOffsets, waitFor,
} from '@rotor/testing';

/** Every field of the Infisical-compatible API's sample response, in its order. */
const SAMPLE_RESPONSE_FIELDS = [
  'id', 'name', 'description', 'isAutoRotationEnabled', 'activeIndex', 'folderId', 'connectionId', 'createdAt',
  'updatedAt', 'rotationInterval', 'rotationStatus', 'lastRotationAttemptedAt', 'lastRotatedAt', 'lastRotationJobId',
  'nextRotationAt', 'connection', 'environment', 'projectId', 'folder', 'rotateAtUtc', 'lastRotationMessage', 'type',
  'parameters', 'secretsMapping',
];
/** Fields Rotor adds after those, in their order: the job in flight, continuous verification. */
const ROTOR_ADDED_FIELDS = ['isRotationInFlight', 'inFlightJobId', 'verificationStatus', 'lastVerifiedAt', 'lastVerificationMessage'];

interface Rotation {
  id: string;
  activeIndex: 0 | 1;
  rotationStatus: string | null;
  lastRotationJobId: string | null;
  lastRotatedAt: string | null;
  lastRotationMessage: string | null;
  nextRotationAt: string | null;
  [field: string]: unknown;
}
interface Credential {
  username: string;
  password: string;
}

const platform = new Platform({ extraEnv: { ROTOR_DEV_MINUTES: '1', LOG_LEVEL: 'info', KAFKA_SESSION_TIMEOUT_MS: '6000' } });
const fleet = new RedisFleet();
let redis: RedisServer;
let api: RotorApi;
let projectId: string;
let connectionId: string;
let rotation: Rotation;
const seen: Credential[] = [];

const ROTATIONS = '/api/v2/secret-rotations/redis-credentials';

async function getRotation(id = rotation.id): Promise<Rotation> {
  return (await api.ok<{ secretRotation: Rotation }>('GET', `${ROTATIONS}/${id}`)).secretRotation;
}

interface HistoryEntry {
  type: string;
  jobId: string | null;
  occurredAt: string;
  details: Record<string, unknown>;
}

async function historyOf(id = rotation.id): Promise<HistoryEntry[]> {
  return (await api.ok<{ history: HistoryEntry[] }>('GET', `${ROTATIONS}/${id}/history`)).history;
}

/** Waits for the job's outcome in the audit trail, then answers the rotation as it stands. */
async function outcomeOf(jobId: string, id = rotation.id, timeoutMs = 60_000): Promise<Rotation> {
  await waitFor(
    async () => (await historyOf(id)).some((h) => h.jobId === jobId && (h.type === 'RotationCompleted' || h.type === 'RotationAttemptFailed')),
    { timeoutMs, intervalMs: 250, message: `the outcome of job ${jobId}` },
  );
  return getRotation(id);
}

async function servedCredential(): Promise<Credential> {
  const { secrets } = await api.ok<{ secrets: Array<{ secretKey: string; secretValue: string }> }>(
    'GET',
    `/api/v3/secrets/raw?projectId=${projectId}&environment=dev&secretPath=/`,
  );
  const value = (key: string) => secrets.find((s) => s.secretKey === key)?.secretValue;
  const username = value('REDIS_USERNAME');
  const password = value('REDIS_PASSWORD');
  if (!username || !password) throw new Error(`mapped secrets missing: ${secrets.map((s) => s.secretKey).join(', ')}`);
  return { username, password };
}

async function requestRotation(): Promise<string> {
  // 200 once the job completed or failed; 202 when it outlived the wait (a consumer is down).
  const res = await api.call<{ secretRotation: Rotation; jobId: string }>('POST', `${ROTATIONS}/${rotation.id}/rotate-secrets`);
  expect([200, 202]).toContain(res.status);
  expect(res.body.jobId).toBe(res.body.secretRotation.lastRotationJobId);
  const jobId = res.body.jobId;
  if (!jobId) throw new Error('rotate-secrets answered without a job id');
  return jobId;
}

async function rotateNow(): Promise<Rotation> {
  return outcomeOf(await requestRotation());
}

beforeAll(async () => {
  redis = await fleet.start();
  await platform.prepare();
  await platform.startAll();
  api = new RotorApi(platform.url(), platform.adminToken);
  const { projects } = await api.ok<{ projects: Array<{ id: string }> }>('GET', '/api/v1/projects');
  projectId = projects[0].id;
}, 240_000);

afterAll(async () => {
  await platform.stopAll();
  platform.stopKafka();
  await fleet.stopAll();
}, 60_000);

describe('Rotor, end to end through the gateway', () => {
  it('refuses a caller without a token', async () => {
    const res = await fetch(`${platform.url()}${ROTATIONS}?projectId=${projectId}`);
    expect(res.status).toBe(401);
  });

  it('creates a Redis connection after checking it for real, and never returns its password', async () => {
    const wrong = await api.call('POST', '/api/v1/app-connections/redis', {
      name: 'wrong-password', projectId, host: '127.0.0.1', port: redis.port, username: ADMIN_USER, password: 'not-the-password',
    });
    expect(wrong.status).toBe(422);
    expect(JSON.stringify(wrong.body)).toMatch(/password/i);

    const created = await api.ok<{ appConnection: { id: string } }>('POST', '/api/v1/app-connections/redis', {
      name: 'local-redis', projectId, host: '127.0.0.1', port: redis.port, username: ADMIN_USER, password: ADMIN_PASSWORD,
    });
    connectionId = created.appConnection.id;
    expect(JSON.stringify(created)).not.toContain(ADMIN_PASSWORD);
  });

  it('creates a rotation from the documented sample request and issues the first credential set before answering', async () => {
    const res = await api.call<{ secretRotation: Rotation }>('POST', ROTATIONS, {
      ...sampleRotationRequest(projectId, connectionId),
      rotationInterval: 30,
    });
    expect(res.status).toBe(200);
    rotation = res.body.secretRotation;
    expect(Object.keys(rotation)).toEqual([...SAMPLE_RESPONSE_FIELDS, ...ROTOR_ADDED_FIELDS]);
    expect(rotation).toMatchObject({
      name: 'my-redis-rotation',
      type: 'redis-credentials',
      activeIndex: 0,
      rotationStatus: 'success',
      connection: { app: 'redis', name: 'local-redis', id: connectionId },
      environment: { slug: 'dev', name: 'Development' },
      folder: { path: '/' },
      projectId,
      rotationInterval: 30,
      rotateAtUtc: { hours: 11, minutes: 29 },
      secretsMapping: { username: 'REDIS_USERNAME', password: 'REDIS_PASSWORD' },
    });
    expect(rotation.lastRotatedAt).not.toBeNull();
    expect(rotation.nextRotationAt).not.toBeNull();
  });

  it('serves the mapped secrets right after create, and they authenticate to Redis', async () => {
    const credential = await servedCredential();
    expect(credential.username).toMatch(/^rotor_[0-9a-f]{32}_0$/);
    expect(credential.password).toHaveLength(64);
    expect(await authenticates(redis, credential.username, credential.password)).toBe(true);
    seen.push(credential);
  });

  it('rotates on demand and keeps the previous credential valid (dual-phase); the one before stops working', async () => {
    for (const expectedIndex of [1, 0] as const) {
      // After the second of these, three credentials have been served: the oldest must be dead.
      const outcome = await rotateNow();
      expect(outcome).toMatchObject({ rotationStatus: 'success', activeIndex: expectedIndex, lastRotationMessage: null });
      const current = await servedCredential();
      expect(current.username).toMatch(new RegExp(`_${expectedIndex}$`));
      seen.push(current);
      const [now, previous, older] = [seen.at(-1), seen.at(-2), seen.at(-3)] as Credential[];
      expect(await authenticates(redis, now.username, now.password)).toBe(true);
      expect(await authenticates(redis, previous.username, previous.password)).toBe(true);
      if (older) expect(await authenticates(redis, older.username, older.password)).toBe(false);
    }
  });

  it('answers 409 to a manual rotation while one is in flight', async () => {
    // The executor is paused, so the first request's job stays in flight: nothing can store it.
    // (A job the secret store already serves would let the second request through, by design:
    // it waits for that completion, then rotates; how soon that is depends on the machine.)
    const executor = platform.pid('redis-executor') as number;
    process.kill(executor, 'SIGSTOP');
    let first: Promise<{ status: number; body: { secretRotation: Rotation } }>;
    try {
      first = api.call<{ secretRotation: Rotation }>('POST', `${ROTATIONS}/${rotation.id}/rotate-secrets`);
      await waitFor(async () => (await api.ok<{ secretRotation: { isRotationInFlight: boolean } }>('GET', `${ROTATIONS}/${rotation.id}`)).secretRotation.isRotationInFlight, {
        timeoutMs: 15_000, intervalMs: 50, message: 'the first request to be in flight',
      });
      const second = await api.call<{ error: string }>('POST', `${ROTATIONS}/${rotation.id}/rotate-secrets`);
      expect(second.status).toBe(409);
      expect(second.body.error).toBe('ROTATION.IN_FLIGHT');
    } finally {
      process.kill(executor, 'SIGCONT');
    }
    const accepted = await first;
    expect(accepted.status).toBe(200);
    await outcomeOf(accepted.body.secretRotation.lastRotationJobId as string);
    seen.push(await servedCredential());
  });

  it('shows both generated credential sets only to callers allowed to see them', async () => {
    const res = await api.ok<{ generatedCredentials: Credential[]; activeIndex: number }>('GET', `${ROTATIONS}/${rotation.id}/generated-credentials`);
    const current = await servedCredential();
    expect(res.generatedCredentials[res.activeIndex]).toEqual(current);
    expect(res.generatedCredentials).toHaveLength(2);
  });

  it('keeps an audit trail of requests and completions, without secrets', async () => {
    const history = await historyOf();
    const types = history.map((h) => h.type);
    expect(types).toContain('RotationCreated');
    expect(types.filter((t) => t === 'RotationCompleted').length).toBe(seen.length);
    const text = JSON.stringify(history);
    for (const c of seen) expect(text).not.toContain(c.password);
    expect(text).not.toContain(ADMIN_PASSWORD);
  });

  async function expectExactlyOneCompletion(jobId: string, completedBefore: number): Promise<void> {
    const outcome = await outcomeOf(jobId, rotation.id, 90_000);
    expect(outcome.rotationStatus).toBe('success');
    const completed = (await historyOf()).filter((h) => h.type === 'RotationCompleted');
    expect(completed.length).toBe(completedBefore + 1);
    expect(new Set(completed.map((h) => h.jobId)).size).toBe(completed.length);
    const current = await servedCredential();
    expect(await authenticates(redis, current.username, current.password)).toBe(true);
    seen.push(current);
  }

  /** The topic each consumer takes a job's work from: while it is down, that work waits there. */
  const WORK_TOPIC: Partial<Record<Service, string>> = {
    'redis-executor': TOPICS.rotationEvents, // the RotationRequested it executes
    'secret-store': TOPICS.executorEvents, // the executor's result it stores
    'rotation-scheduler': TOPICS.rotationEvents, // the RotationRequested it tracks
  };

  // The consumers: killed -9 before the request, so the work waits in Kafka while they are
  // down, then restarted. The request answers once the job has an outcome, or after
  // ROTATION_ROTATE_WAIT_MS (20 s) with a 202: the service comes back as soon as the job's
  // message for it is in Kafka (read by a consumer of the test's own), not after that wait.
  it.each<Service>(['redis-executor', 'secret-store', 'rotation-scheduler'])(
    'completes a rotation exactly once when %s is killed -9 and comes back',
    async (service) => {
      const completedBefore = (await historyOf()).filter((h) => h.type === 'RotationCompleted').length;
      const requestedBefore = new Set((await historyOf()).filter((h) => h.type === 'RotationRequested').map((h) => h.jobId));
      const kafka = new Kafka({ clientId: 'e2e-rotation-loop', brokers: [platform.kafkaBroker()], logLevel: logLevel.NOTHING });
      const topic = WORK_TOPIC[service] as string;
      const work = await startCollecting(kafka, topic, { since: await topicOffsets(kafka, topic) });
      let answered: Promise<string>;
      let queued: string;
      try {
        await platform.stop(service, 'SIGKILL');
        answered = requestRotation();
        answered.catch(() => undefined); // awaited below; its failure fails the test there
        // rotation-config records the request (RotationRequested, with its job id) before it
        // waits for the outcome; the message the killed service needs follows through Kafka.
        const requested = await waitFor(
          async () => (await historyOf()).find((h) => h.type === 'RotationRequested' && h.jobId !== null && !requestedBefore.has(h.jobId))?.jobId,
          { timeoutMs: 30_000, intervalMs: 200, message: `the rotation request taken while ${service} is down` },
        );
        await work.waitFor((messages) => messages.some((m) => m.value?.includes(requested) ?? false), 30_000);
        queued = requested;
      } finally {
        await work.stop().catch(() => undefined);
        if (!platform.isRunning(service)) await platform.start(service);
      }
      const jobId = await answered;
      expect(jobId).toBe(queued);
      await expectExactlyOneCompletion(jobId, completedBefore);
    },
    120_000,
  );

  // The request path: killed -9 right after it accepted the request.
  it.each<Service>(['rotation-config', 'gateway'])(
    'completes a rotation exactly once when %s is killed -9 right after accepting it',
    async (service) => {
      const completedBefore = (await historyOf()).filter((h) => h.type === 'RotationCompleted').length;
      const jobId = await requestRotation();
      await platform.restart(service, 'SIGKILL');
      await expectExactlyOneCompletion(jobId, completedBefore);
    },
    120_000,
  );

  it('rotates on schedule (development setting: intervals in minutes)', async () => {
    const fast = (
      await api.ok<{ secretRotation: Rotation }>('POST', ROTATIONS, {
        name: 'fast-schedule', projectId, connectionId, environment: 'dev', secretPath: '/scheduled',
        isAutoRotationEnabled: true, rotationInterval: 1, rotateAtUtc: { hours: 0, minutes: 0 },
        secretsMapping: { username: 'FAST_REDIS_USERNAME', password: 'FAST_REDIS_PASSWORD' },
      })
    ).secretRotation;
    expect(fast.nextRotationAt).not.toBeNull();
    const scheduled = await waitFor(
      async () => (await historyOf(fast.id)).find((h) => h.type === 'RotationRequested' && h.details['reason'] === 'scheduled'),
      { timeoutMs: 150_000, intervalMs: 1000, message: 'a scheduled rotation request' },
    );
    expect(scheduled.details['dueAt']).toBe(fast.nextRotationAt);
    const outcome = await outcomeOf(scheduled.jobId as string, fast.id);
    expect(outcome).toMatchObject({ rotationStatus: 'success', activeIndex: 1 });
    const { secrets } = await api.ok<{ secrets: Array<{ secretKey: string; secretValue: string }> }>(
      'GET',
      `/api/v3/secrets/raw?projectId=${projectId}&environment=dev&secretPath=/scheduled`,
    );
    const value = (key: string) => secrets.find((x) => x.secretKey === key)?.secretValue as string;
    expect(await authenticates(redis, value('FAST_REDIS_USERNAME'), value('FAST_REDIS_PASSWORD'))).toBe(true);
    await api.ok('DELETE', `${ROTATIONS}/${fast.id}?deleteSecrets=true&revokeGeneratedCredentials=true`);
  }, 200_000);

  it('reports a failure when the admin password changes behind its back, keeps serving a working credential, and recovers', async () => {
    const served = await servedCredential();
    const newAdminPassword = 'changed-behind-rotors-back-1';
    await redis.withAdmin((c) => c.call('ACL', 'SETUSER', ADMIN_USER, 'resetpass', `>${newAdminPassword}`));
    try {
      const failed = await rotateNow();
      expect(failed.rotationStatus).toBe('failed');
      expect(failed.lastRotationMessage).toMatch(/auth|password|WRONGPASS/i);
      expect(failed.lastRotationMessage).not.toContain(newAdminPassword);
      expect(await servedCredential()).toEqual(served);
      expect(await authenticates(redis, served.username, served.password)).toBe(true);

      await api.ok('PATCH', `/api/v1/app-connections/redis/${connectionId}`, { password: newAdminPassword });
      const recovered = await rotateNow();
      expect(recovered).toMatchObject({ rotationStatus: 'success', lastRotationMessage: null });
      const current = await servedCredential();
      expect(current).not.toEqual(served);
      expect(await authenticates(redis, current.username, current.password)).toBe(true);
      expect(await authenticates(redis, served.username, served.password)).toBe(true);
    } finally {
      const admin = new Redis({ host: '127.0.0.1', port: redis.port, username: ADMIN_USER, password: newAdminPassword, lazyConnect: true });
      try {
        await admin.connect();
        await admin.call('ACL', 'SETUSER', ADMIN_USER, 'resetpass', `>${ADMIN_PASSWORD}`);
      } finally {
        admin.disconnect();
      }
    }
  }, 120_000);

  it('deletes with revokeGeneratedCredentials and deleteSecrets: both Redis users and both secrets are gone', async () => {
    await api.ok('PATCH', `/api/v1/app-connections/redis/${connectionId}`, { password: ADMIN_PASSWORD });
    const usernames = [0, 1].map((i) => `rotor_${rotation.id.replace(/-/g, '')}_${i}`);
    const res = await api.call('DELETE', `${ROTATIONS}/${rotation.id}?deleteSecrets=true&revokeGeneratedCredentials=true`);
    expect(res.status).toBe(200);
    await waitFor(
      async () => {
        const users = (await redis.withAdmin((c) => c.call('ACL', 'USERS'))) as string[];
        return usernames.every((u) => !users.includes(u));
      },
      { timeoutMs: 30_000, message: 'both rotor users to be revoked' },
    );
    await waitFor(
      async () => {
        const r = await api.call<{ secrets: Array<{ secretKey: string }> }>('GET', `/api/v3/secrets/raw?projectId=${projectId}&environment=dev&secretPath=/`);
        return r.status === 200 && !r.body.secrets.some((s) => s.secretKey.startsWith('REDIS_'));
      },
      { timeoutMs: 30_000, message: 'both mapped secrets to be deleted' },
    );
    expect((await api.call('GET', `${ROTATIONS}/${rotation.id}`)).status).toBe(404);
  });

  it('exposes Prometheus metrics: rotations by outcome, latency, consumer lag, outbox backlog', async () => {
    const metrics = async (service: Service) => (await fetch(`${platform.url(service)}/metrics`)).text();
    const executor = await metrics('redis-executor');
    expect(executor).toMatch(/rotations_total\{[^}]*outcome="rotated"[^}]*\} [1-9]/);
    expect(executor).toContain('rotation_duration_seconds_bucket');
    for (const service of ['rotation-config', 'secret-store', 'redis-executor', 'rotation-scheduler'] as const) {
      const text = await metrics(service);
      expect({ service, lag: /rotor_consumer_lag\{/.test(text), backlog: /rotor_outbox_backlog(\{[^}]*\})? \d/.test(text) }).toEqual({ service, lag: true, backlog: true });
    }
  });

  it('never wrote a plaintext credential to any service log', () => {
    const logs = platform.logs();
    expect(logs.length).toBeGreaterThan(10_000);
    for (const credential of seen) expect(logs.includes(credential.password)).toBe(false);
    expect(logs.includes(ADMIN_PASSWORD)).toBe(false);
    expect(logs.includes(platform.adminToken)).toBe(false);
  });
});
