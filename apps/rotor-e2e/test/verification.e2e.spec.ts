import {
  ADMIN_PASSWORD, ADMIN_USER, aclUser, authenticates, Platform, RedisFleet, RedisServer, RotorApi, sampleRotationRequest, waitFor,
  waitForReplicaLink,
} from '@rotor/testing';

/**
 * Continuous verification, end to end: a served credential that stops working (Redis restarted
 * without an aclfile, a password changed by hand on a replica) is noticed within one
 * verification interval and healed through a rotation, and the served secret authenticates
 * again — without touching a user Rotor did not create.
 */
const VERIFY_INTERVAL_SECONDS = 3;
/** A heal is one or two rotations (the previous credential may be lost too), each a few seconds here. */
const HEAL_BUDGET_MS = 45_000;

const platform = new Platform({
  extraEnv: { ROTOR_VERIFY_INTERVAL_SECONDS: String(VERIFY_INTERVAL_SECONDS), ROTOR_VERIFY_RETRY_SECONDS: '1', LOG_LEVEL: 'info' },
});
const fleet = new RedisFleet();
const ROTATIONS = '/api/v2/secret-rotations/redis-credentials';
let api: RotorApi;
let projectId: string;

interface Rotation {
  id: string;
  activeIndex: number;
  rotationStatus: string | null;
  nextRotationAt: string | null;
  verificationStatus: 'healthy' | 'drifted' | 'unverifiable' | null;
  lastVerifiedAt: string | null;
  lastVerificationMessage: string | null;
}

async function getRotation(id: string): Promise<Rotation> {
  return (await api.ok<{ secretRotation: Rotation }>('GET', `${ROTATIONS}/${id}`)).secretRotation;
}

async function served(secretPath: string, keys: { username: string; password: string }) {
  const { secrets } = await api.ok<{ secrets: Array<{ secretKey: string; secretValue: string }> }>(
    'GET', `/api/v3/secrets/raw?projectId=${projectId}&environment=dev&secretPath=${encodeURIComponent(secretPath)}`,
  );
  const value = (key: string) => secrets.find((s) => s.secretKey === key)?.secretValue ?? '';
  return { username: value(keys.username), password: value(keys.password) };
}

async function createRotation(server: RedisServer, name: string, topology: Record<string, unknown>, mapping: { username: string; password: string }) {
  const { appConnection } = await api.ok<{ appConnection: { id: string } }>('POST', '/api/v1/app-connections/redis', {
    name: `${name}-connection`, projectId, host: server.host, port: server.port, username: ADMIN_USER, password: ADMIN_PASSWORD, topology,
  });
  const { secretRotation } = await api.ok<{ secretRotation: Rotation }>('POST', ROTATIONS, {
    ...sampleRotationRequest(projectId, appConnection.id), name, rotationInterval: 30, secretsMapping: mapping,
  });
  return secretRotation;
}

async function historyTypes(id: string): Promise<Array<{ type: string; details: Record<string, unknown> }>> {
  return (await api.ok<{ history: Array<{ type: string; details: Record<string, unknown> }> }>('GET', `${ROTATIONS}/${id}/history`)).history;
}

beforeAll(async () => {
  await platform.prepare();
  await platform.startAll();
  api = new RotorApi(platform.url(), platform.adminToken);
  projectId = (await api.ok<{ projects: Array<{ id: string }> }>('GET', '/api/v1/projects')).projects[0].id;
}, 240_000);

afterAll(async () => {
  await platform.stopAll();
  platform.stopKafka();
  await fleet.stopAll();
});

describe('continuous verification through the whole platform', () => {
  it('heals a standalone Redis restarted without an aclfile, and never touches a user Rotor did not create', async () => {
    const redis = await fleet.start({ users: ['user app-owned on >app-owned-pw ~* +@all'] });
    const mapping = { username: 'REDIS_USERNAME', password: 'REDIS_PASSWORD' };
    const created = await createRotation(redis, 'restart-rotation', { type: 'single' }, mapping);
    await waitFor(async () => (await getRotation(created.id)).verificationStatus === 'healthy', {
      timeoutMs: (VERIFY_INTERVAL_SECONDS + 10) * 1000, intervalMs: 250, message: 'the first check to say healthy',
    });
    const before = await served('/', mapping);
    expect(await authenticates(redis, before.username, before.password)).toBe(true);
    const appUser = await aclUser(redis, 'app-owned');

    await redis.restart();
    const restartedAt = Date.now();
    expect(await authenticates(redis, before.username, before.password)).toBe(false);

    // Noticed within one interval (plus the consumer hops), and said in the rotation's answer or its history.
    await waitFor(async () => (await historyTypes(created.id)).some((h) => h.type === 'RotationRequested' && h.details['reason'] === 'heal'), {
      timeoutMs: VERIFY_INTERVAL_SECONDS * 1000 + 10_000, intervalMs: 200, message: 'a heal rotation to be requested',
    });
    const detectedMs = Date.now() - restartedAt;

    await waitFor(async () => {
      const now = await served('/', mapping);
      const view = await getRotation(created.id);
      return view.verificationStatus === 'healthy' && (await authenticates(redis, now.username, now.password));
    }, { timeoutMs: HEAL_BUDGET_MS, intervalMs: 500, message: 'the served secret to authenticate again and the rotation to say healthy' });
    const healedMs = Date.now() - restartedAt;

    const after = await getRotation(created.id);
    expect(after).toMatchObject({ rotationStatus: 'success', nextRotationAt: created.nextRotationAt });
    expect(after.lastVerificationMessage).not.toContain((await served('/', mapping)).password);
    await expect(aclUser(redis, 'app-owned')).resolves.toEqual(appUser);
    console.log(`restart → heal requested in ${detectedMs} ms, healed (served secret authenticates, rotation healthy) in ${healedMs} ms`);
  }, 120_000);

  it('heals a password changed by hand on one replica', async () => {
    const primary = await fleet.start();
    const replica = await fleet.start({ replicaOf: primary });
    await waitForReplicaLink(replica);
    const mapping = { username: 'REPLICA_USERNAME', password: 'REPLICA_PASSWORD' };
    const created = await createRotation(primary, 'replica-rotation', { type: 'replicas', replicas: [{ host: replica.host, port: replica.port }] }, mapping);
    await waitFor(async () => (await getRotation(created.id)).verificationStatus === 'healthy', {
      timeoutMs: (VERIFY_INTERVAL_SECONDS + 10) * 1000, intervalMs: 250, message: 'the first check to say healthy',
    });
    const before = await served('/', mapping);

    await replica.withAdmin((c) => c.call('ACL', 'SETUSER', before.username, 'resetpass', '>changed-by-hand'));
    expect(await authenticates(replica, before.username, before.password)).toBe(false);

    await waitFor(async () => (await historyTypes(created.id)).some((h) => h.type === 'RotationRequested' && h.details['reason'] === 'heal'), {
      timeoutMs: VERIFY_INTERVAL_SECONDS * 1000 + 10_000, intervalMs: 200, message: 'a heal rotation to be requested',
    });
    await waitFor(async () => {
      const now = await served('/', mapping);
      return (await getRotation(created.id)).verificationStatus === 'healthy'
        && (await authenticates(primary, now.username, now.password)) && (await authenticates(replica, now.username, now.password));
    }, { timeoutMs: HEAL_BUDGET_MS, intervalMs: 500, message: 'the served secret to authenticate on both nodes again' });
  }, 120_000);

  it('heals a Cluster where one node restarted without its users, on every node', async () => {
    const cluster = await fleet.startCluster(3, 1);
    const seed = cluster.primaries[0];
    const mapping = { username: 'CLUSTER_USERNAME', password: 'CLUSTER_PASSWORD' };
    const created = await createRotation(seed, 'cluster-rotation', { type: 'cluster' }, mapping);
    await waitFor(async () => (await getRotation(created.id)).verificationStatus === 'healthy', {
      timeoutMs: (VERIFY_INTERVAL_SECONDS + 20) * 1000, intervalMs: 250, message: 'the first check to say healthy',
    });
    const before = await served('/', mapping);
    // A user Rotor did not create, on a node that keeps running.
    const bystander = cluster.primaries[1];
    await bystander.withAdmin((c) => c.call('ACL', 'SETUSER', 'app-owned', 'on', '>app-owned-pw', '~app:*', '+get'));
    const appUser = await aclUser(bystander, 'app-owned');

    const restarted = cluster.replicas[0];
    await restarted.restart();
    expect(await authenticates(restarted, before.username, before.password)).toBe(false);
    expect(await authenticates(seed, before.username, before.password)).toBe(true);

    await waitFor(async () => (await historyTypes(created.id)).some((h) => h.type === 'RotationRequested' && h.details['reason'] === 'heal'), {
      timeoutMs: VERIFY_INTERVAL_SECONDS * 1000 + 15_000, intervalMs: 200, message: 'a heal rotation to be requested',
    });
    await waitFor(async () => {
      const now = await served('/', mapping);
      if ((await getRotation(created.id)).verificationStatus !== 'healthy') return false;
      for (const node of cluster.nodes) if (!(await authenticates(node, now.username, now.password))) return false;
      return true;
    }, { timeoutMs: HEAL_BUDGET_MS, intervalMs: 500, message: 'the served secret to authenticate on all six nodes again' });
    await expect(aclUser(bystander, 'app-owned')).resolves.toEqual(appUser);
  }, 150_000);
});
