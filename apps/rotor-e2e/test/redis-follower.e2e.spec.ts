/**
 * The Redis client that follows rotations, under load, against the real platform: an
 * application issues commands continuously while rotations run back to back.
 *
 * Redis keeps an open connection authenticated after its user's password changes; what breaks
 * an application is the next connection it opens (a network blip, a Redis restart, a failover,
 * a pool that grows). The test makes that happen: it kills the application's connections
 * (CLIENT KILL) after rotations, so every client must reconnect with whatever credential it holds.
 */
import { createRotorClient, ok, type RotorClient } from '@rotor/api-client';
import { createEnvelope } from '@rotor/contracts';
import { followCluster, followRedis, readCredential, type CredentialFollower } from '@rotor/redis-follower';
import { ADMIN_PASSWORD, ADMIN_USER, Platform, crashEveryKafkaConsumer, RedisFleet, sampleRotationRequest, waitFor, type Cluster as FleetCluster, type RedisServer, sharedPlatform, createProject } from '@rotor/testing';
import { sleep } from '@rotor/util';
import { Cluster, Redis } from 'ioredis';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { runCommand } from './support/run-command';

const APP = 'app-under-test';
const ROTATIONS_UNDER_LOAD = 20;

let platform: Platform;
const fleet = new RedisFleet();
let api: RotorClient;
let projectId: string;
let single: RedisServer;
let cluster: FleetCluster;

interface Target {
  rotationId: string;
  keys: { usernameKey: string; passwordKey: string };
  servers: RedisServer[];
}
let singleTarget: Target;
let clusterTarget: Target;

async function createRotation(server: RedisServer, name: string, prefix: string, topology: 'single' | 'cluster'): Promise<Target> {
  const { appConnection } = await ok(api.POST('/api/v1/app-connections/redis', {
    body: { name, projectId, host: server.host, port: server.port, username: ADMIN_USER, password: ADMIN_PASSWORD, topology: { type: topology } },
  }));
  const keys = { usernameKey: `${prefix}_USERNAME`, passwordKey: `${prefix}_PASSWORD` };
  const { secretRotation } = await ok(api.POST('/api/v2/secret-rotations/redis-credentials', {
    body: { ...sampleRotationRequest(projectId, appConnection.id), name, rotationInterval: 30, secretsMapping: { username: keys.usernameKey, password: keys.passwordKey } },
  }));
  return { rotationId: secretRotation.id, keys, servers: [server] };
}

/** Asks for a rotation and waits for its job's outcome in the audit trail; fails unless it completed. */
async function rotate(target: Target): Promise<void> {
  const path = { rotationId: target.rotationId };
  // The job this request started (a 202 past the API's wait still names it).
  const { jobId } = await ok(api.POST('/api/v2/secret-rotations/redis-credentials/{rotationId}/rotate-secrets', { params: { path } }));
  let outcome: string | undefined;
  await waitFor(async () => {
    const { history } = await ok(api.GET('/api/v2/secret-rotations/redis-credentials/{rotationId}/history', { params: { path } }));
    outcome = history.find((h) => h.jobId === jobId && (h.type === 'RotationCompleted' || h.type === 'RotationAttemptFailed'))?.type;
    return outcome !== undefined;
  }, { timeoutMs: 60_000, intervalMs: 200, message: `the outcome of job ${jobId}` });
  expect(outcome).toBe('RotationCompleted');
}

const location = (target: Target) => ({ projectId, environment: 'dev', secretPath: '/', ...target.keys });
const served = (target: Target) => readCredential(api, { ...location(target) });

/** Waits until the follower uses the credential the secrets API serves now. */
async function caughtUp(follower: Pick<CredentialFollower<unknown>, 'current'>, target: Target): Promise<string> {
  const now = await served(target);
  await waitFor(async () => follower.current().usernameVersion >= now.usernameVersion && follower.current().passwordVersion >= now.passwordVersion,
    { timeoutMs: 20_000, intervalMs: 50, message: 'the follower to use the new credential' });
  expect(follower.current().username).toBe(now.username);
  return now.username;
}

/** The user each open connection of the application is authenticated as, on every server. */
async function appConnectionUsers(target: Target): Promise<string[]> {
  const users: string[] = [];
  for (const server of target.servers) {
    const list = String(await server.withAdmin((c) => c.call('CLIENT', 'LIST', 'TYPE', 'normal')));
    for (const line of list.trim().split('\n')) {
      const fields = Object.fromEntries(line.split(' ').map((f) => f.split('=') as [string, string]));
      if (fields['name'] === APP) users.push(fields['user']);
    }
  }
  return users;
}

/**
 * Until the application has connections open again (the step before killed them all, and a
 * client reconnects in its own time), so that the rotation after this has connections that
 * stay open through it.
 */
async function appConnected(target: Target): Promise<void> {
  await waitFor(async () => (await appConnectionUsers(target)).length > 0, { timeoutMs: 20_000, intervalMs: 50, message: 'the application to reconnect' });
}

async function killAppConnections(target: Target): Promise<void> {
  for (const server of target.servers) {
    const list = String(await server.withAdmin((c) => c.call('CLIENT', 'LIST', 'TYPE', 'normal')));
    const ids = list.trim().split('\n').filter((l) => l.includes(` name=${APP} `)).map((l) => l.split(' ')[0].replace('id=', ''));
    await server.withAdmin(async (c) => {
      for (const id of ids) await c.call('CLIENT', 'KILL', 'ID', id).catch(() => undefined);
    });
  }
}

/** An application: a few workers issuing SET/GET/INCR without pause, counting what failed. */
function startLoad(client: Redis | Cluster) {
  const tally = { ok: 0, failed: 0, errors: new Map<string, number>() };
  let running = true;
  const worker = async (w: number) => {
    for (let i = 0; running; i++) {
      const key = `{load}:${w}:${i % 50}`;
      try {
        await client.set(key, String(i));
        await client.get(key);
        await client.incr(`counter:${w}`);
        tally.ok += 3;
      } catch (e) {
        tally.failed++;
        const message = (e as Error).message;
        tally.errors.set(message, (tally.errors.get(message) ?? 0) + 1);
      }
      await sleep(2);
    }
  };
  const workers = Promise.all([0, 1, 2, 3].map(worker));
  return {
    tally,
    async stop() {
      running = false;
      await workers;
      return tally;
    },
  };
}

const appOptions = { connectionName: APP, commandTimeout: 5_000 };

beforeAll(async () => {
  [single, cluster, platform] = await Promise.all([fleet.start(), fleet.startCluster(3, 0), sharedPlatform()]);
  api = createRotorClient({ baseUrl: platform.url(), token: platform.adminToken });
  projectId = await createProject(platform, 'follower');
  singleTarget = await createRotation(single, 'single-node', 'SINGLE_REDIS', 'single');
  clusterTarget = { ...(await createRotation(cluster.primaries[0], 'cluster', 'CLUSTER_REDIS', 'cluster')), servers: cluster.nodes };
}, 480_000);

afterAll(async () => {
  await fleet.stopAll();
}, 60_000);

/** The application of the single node, following rotations by SecretsUpdated from Kafka (polling at its default). */
function followSingleOverKafka(): Promise<CredentialFollower<Redis>> {
  return followRedis({
    rotor: { baseUrl: platform.url(), token: platform.adminToken },
    credential: location(singleTarget),
    kafka: { brokers: [platform.kafkaBroker()] },
    redis: { host: single.host, port: single.port, ...appOptions },
  });
}

describe('a Redis client that follows rotations', () => {
  it(`sees 0 failed commands through ${ROTATIONS_UNDER_LOAD} rotations on a single node (SecretsUpdated from Kafka)`, async () => {
    const follower = await followSingleOverKafka();
    const updates: string[] = [];
    follower.on('updated', (v) => updates.push(v.username));
    const load = startLoad(follower.client);
    try {
      for (let i = 1; i <= ROTATIONS_UNDER_LOAD; i++) {
        if (i % 2 === 1) await appConnected(singleTarget);
        await rotate(singleTarget);
        // Every other rotation, connections drop at once: some reconnect before the follower has
        // the new credential (with the previous one, still valid), some after.
        if (i % 2 === 0) await killAppConnections(singleTarget);
        const username = await caughtUp(follower, singleTarget);
        // Connections that stayed open were re-authenticated in place (AUTH), not reopened.
        if (i % 2 === 1) expect(new Set(await appConnectionUsers(singleTarget))).toEqual(new Set([username]));
      }
    } finally {
      await load.stop();
      await follower.close();
    }
    expect(load.tally.errors).toEqual(new Map());
    expect(load.tally.failed).toBe(0);
    expect(load.tally.ok).toBeGreaterThan(1_000);
    expect(updates).toHaveLength(ROTATIONS_UNDER_LOAD);
  }, 600_000);

  it(`sees 0 failed commands through ${ROTATIONS_UNDER_LOAD} rotations on a Cluster (every node)`, async () => {
    const follower = await followCluster({
      rotor: { baseUrl: platform.url(), token: platform.adminToken },
      credential: location(clusterTarget),
      kafka: { brokers: [platform.kafkaBroker()] },
      nodes: cluster.primaries.map((n) => ({ host: n.host, port: n.port })),
      cluster: { redisOptions: appOptions },
    });
    const load = startLoad(follower.client);
    try {
      for (let i = 1; i <= ROTATIONS_UNDER_LOAD; i++) {
        if (i % 2 === 1) await appConnected(clusterTarget);
        await rotate(clusterTarget);
        if (i % 2 === 0) await killAppConnections(clusterTarget);
        const username = await caughtUp(follower, clusterTarget);
        if (i % 2 === 1) expect(new Set(await appConnectionUsers(clusterTarget))).toEqual(new Set([username]));
      }
    } finally {
      await load.stop();
      await follower.close();
    }
    expect(load.tally.errors).toEqual(new Map());
    expect(load.tally.failed).toBe(0);
    expect(load.tally.ok).toBeGreaterThan(1_000);
  }, 600_000);

  it('follows by polling the secrets API when the application has no Kafka access', async () => {
    const follower = await followRedis({
      rotor: { baseUrl: platform.url(), token: platform.adminToken },
      credential: location(singleTarget),
      pollIntervalMs: 300,
      redis: { host: single.host, port: single.port, ...appOptions },
    });
    const load = startLoad(follower.client);
    try {
      for (let i = 1; i <= 4; i++) {
        await rotate(singleTarget);
        await killAppConnections(singleTarget);
        await caughtUp(follower, singleTarget);
      }
    } finally {
      await load.stop();
      await follower.close();
    }
    expect(load.tally.failed).toBe(0);
    expect(load.tally.ok).toBeGreaterThan(100);
  }, 300_000);

  it('listens again after kafkajs gave up on its consumer, and catches up', async () => {
    // The follower's consumers end their first message in an error kafkajs does not restart
    // from, as when it cannot find the group coordinator while a broker restarts.
    const crashing = crashEveryKafkaConsumer({ left: 1 });
    const follower = await followSingleOverKafka();
    const errors: string[] = [];
    follower.on('error', (e: Error) => errors.push(e.message));
    try {
      // Polling stays at its default (5 minutes): only a consumer that runs again catches up.
      await rotate(singleTarget);
      await caughtUp(follower, singleTarget);
      expect(crashing.consumers()).toBe(2);
      expect(errors).toEqual([expect.stringContaining('stopped listening on the public topic (injected: the group coordinator was not found)')]);
      await rotate(singleTarget);
      await caughtUp(follower, singleTarget);
      expect(crashing.consumers()).toBe(2);
    } finally {
      crashing.restore();
      await follower.close();
    }
  }, 120_000);

  it('while a plain ioredis client that read its secret once starts failing after the second rotation', async () => {
    const once = await served(singleTarget);
    const plain = new Redis({ host: single.host, port: single.port, username: once.username, password: once.password, ...appOptions, maxRetriesPerRequest: 2 });
    plain.on('error', () => undefined);
    const load = startLoad(plain);
    const failedAfter: number[] = [];
    try {
      for (let i = 1; i <= 3; i++) {
        await rotate(singleTarget);
        await killAppConnections(singleTarget);
        if (i === 1) {
          // Longer than commandTimeout: a command stuck behind a refused reconnect has failed by now.
          await sleep(appOptions.commandTimeout + 1_000);
        } else {
          const before = load.tally.failed;
          await waitFor(() => load.tally.failed > before, { timeoutMs: 30_000, intervalMs: 100, message: `the plain client failing after rotation ${i}` });
        }
        failedAfter.push(load.tally.failed);
      }
    } finally {
      await load.stop();
      plain.disconnect();
    }
    // After one rotation its credential is the previous one: still valid (dual-phase).
    expect(failedAfter[0]).toBe(0);
    // After the second, that credential is gone: every reconnect is refused.
    expect(failedAfter[1]).toBeGreaterThan(0);
    expect(failedAfter[2]).toBeGreaterThan(failedAfter[1]);
    expect([...load.tally.errors.keys()].join('\n')).toMatch(/WRONGPASS|NOAUTH|Connection is closed|timed out|max retries/i);
  }, 300_000);
});

describe('the example consumer of docs/events', () => {
  const ROOT = join(__dirname, '..', '..', '..');

  it('type-checks', async () => {
    const tsc = await runCommand('node', [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'docs/events/tsconfig.json'], { cwd: ROOT });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  }, 120_000);

  it('validates SecretsUpdated against the published schema and dedupes by event id and version', async () => {
    const event = createEnvelope('SecretsUpdated', 'r1', {
      projectId: 'p1', environment: 'dev', secretPath: '/', rotationId: 'r1',
      secrets: [{ key: 'REDIS_USERNAME', version: 2 }, { key: 'REDIS_PASSWORD', version: 2 }], updatedAt: new Date().toISOString(),
    });
    const script = `
      const { parseSecretsUpdated, SecretVersions } = require('./docs/events/example-consumer.ts');
      const [valid, broken] = JSON.parse(process.argv[1]);
      const versions = new SecretVersions();
      const event = parseSecretsUpdated(valid);
      process.stdout.write(JSON.stringify({ event, broken: parseSecretsUpdated(broken), notJson: parseSecretsUpdated('{'), first: versions.newer(event), again: versions.newer(event) }));`;
    const broken = JSON.stringify({ ...event, payload: { ...event.payload, secrets: [] } });
    const run = await runCommand('node', ['-r', './tools/register.cjs', '-e', script, JSON.stringify([JSON.stringify(event), broken])], { cwd: ROOT });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ event, broken: null, notJson: null, first: ['REDIS_USERNAME', 'REDIS_PASSWORD'], again: [] });
  });

  it('tells when kafkajs gave up on its consumer', async () => {
    // Its consumer's first message ends in an error kafkajs does not restart from (crashingDeliveries).
    const child = spawn('node', ['-r', './tools/register.cjs', 'apps/rotor-e2e/test/support/crashing-example-consumer.ts', platform.kafkaBroker(), projectId], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      await waitFor(async () => output.includes('listening'), { timeoutMs: 60_000, message: 'the example consumer to listen' });
      await rotate(singleTarget);
      expect(await exited).toBe(0);
      expect(output).toContain('stopped: injected: the group coordinator was not found');
    } finally {
      child.kill('SIGTERM');
    }
  }, 120_000);

  it('runs as printed and reloads on a rotation', async () => {
    const child = spawn('node', ['-r', './tools/register.cjs', 'docs/events/example-consumer.ts'], {
      cwd: ROOT,
      env: { ...process.env, KAFKA_BROKERS: platform.kafkaBroker(), ROTOR_PROJECT_ID: projectId, ROTOR_ENVIRONMENT: 'dev' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await waitFor(async () => output.includes('listening'), { timeoutMs: 60_000, message: 'the example consumer to listen' });
      await rotate(singleTarget);
      const now = await served(singleTarget);
      await waitFor(async () => output.includes(`SINGLE_REDIS_PASSWORD@${now.passwordVersion}`), { timeoutMs: 30_000, message: `a reload line in: ${output}` });
    } finally {
      child.kill('SIGTERM');
    }
  }, 120_000);
});
