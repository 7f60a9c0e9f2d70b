import { Platform, RedisFleet, RedisServer, RotorApi, ADMIN_PASSWORD, ADMIN_USER, authenticates, sampleRotationRequest, waitFor, sharedPlatform, createProject } from '@rotor/testing';

/**
 * What the API answers a client that trusts it, on the real platform: rotate-secrets answers
 * with the outcome, the rotation never contradicts the secrets it serves, the lists of every
 * rotation and connection, and a refused create that touched nothing in Redis.
 */

interface Rotation {
  id: string;
  activeIndex: 0 | 1;
  rotationStatus: string | null;
  lastRotatedAt: string | null;
  lastRotationJobId: string | null;
  lastRotationMessage: string | null;
  isRotationInFlight: boolean;
  inFlightJobId: string | null;
  [field: string]: unknown;
}
interface RotateAnswer {
  secretRotation: Rotation;
  jobId: string;
}
interface Credential {
  username: string;
  password: string;
}

const ROTATIONS = '/api/v2/secret-rotations/redis-credentials';
// The shared platform: the race test reads the secret as fast as a script would, and no rate limit is in its way there.
let platform: Platform;
const fleet = new RedisFleet();
let redis: RedisServer;
let api: RotorApi;
let projectId: string;
let connectionId: string;
let rotation: Rotation;

async function served(secretPath = '/race'): Promise<Credential> {
  const { secrets } = await api.ok<{ secrets: Array<{ secretKey: string; secretValue: string }> }>(
    'GET',
    `/api/v3/secrets/raw?projectId=${projectId}&environment=dev&secretPath=${secretPath}`,
  );
  const value = (key: string) => secrets.find((s) => s.secretKey === key)?.secretValue as string;
  return { username: value('RACE_USERNAME'), password: value('RACE_PASSWORD') };
}

function rotate(id = rotation.id) {
  return api.call<RotateAnswer>('POST', `${ROTATIONS}/${id}/rotate-secrets`);
}

async function aclUsers(server: RedisServer): Promise<string[]> {
  return ((await server.withAdmin((c) => c.call('ACL', 'USERS'))) as string[]).sort();
}

beforeAll(async () => {
  redis = await fleet.start();
  platform = await sharedPlatform();
  api = new RotorApi(platform.url(), platform.adminToken);
  projectId = await createProject(platform, 'answers');
  connectionId = (
    await api.ok<{ appConnection: { id: string } }>('POST', '/api/v1/app-connections/redis', {
      name: 'answers-redis', projectId, host: '127.0.0.1', port: redis.port, username: ADMIN_USER, password: ADMIN_PASSWORD,
    })
  ).appConnection.id;
  rotation = (
    await api.ok<{ secretRotation: Rotation }>('POST', ROTATIONS, {
      ...sampleRotationRequest(projectId, connectionId),
      name: 'race', secretPath: '/race', rotationInterval: 30,
      secretsMapping: { username: 'RACE_USERNAME', password: 'RACE_PASSWORD' },
    })
  ).secretRotation;
}, 240_000);

afterAll(async () => {
  await fleet.stopAll();
}, 60_000);

describe('rotate-secrets answers with the outcome', () => {
  it('answers 200 with the rotation after its job: new active index, rotated time, status, job id', async () => {
    const before = await served();
    const res = await rotate();
    expect(res.status).toBe(200);
    const after = res.body.secretRotation;
    expect(after).toMatchObject({
      activeIndex: rotation.activeIndex === 0 ? 1 : 0, rotationStatus: 'success', lastRotationMessage: null,
      lastRotationJobId: res.body.jobId, isRotationInFlight: false, inFlightJobId: null,
    });
    expect(Date.parse(after.lastRotatedAt as string)).toBeGreaterThan(Date.parse(rotation.lastRotatedAt as string));
    // What it says is what the secrets hold, at once.
    const now = await served();
    expect(now.username).not.toBe(before.username);
    expect(now.username.endsWith(`_${after.activeIndex}`)).toBe(true);
    expect(await authenticates(redis, now.username, now.password)).toBe(true);
    rotation = after;
  });

  it('answers with the failure and its message when the job fails', async () => {
    const other = await fleet.start();
    {
      const connection = (
        await api.ok<{ appConnection: { id: string } }>('POST', '/api/v1/app-connections/redis', {
          name: 'failing-redis', projectId, host: '127.0.0.1', port: other.port, username: ADMIN_USER, password: ADMIN_PASSWORD,
        })
      ).appConnection.id;
      const created = (
        await api.ok<{ secretRotation: Rotation }>('POST', ROTATIONS, {
          ...sampleRotationRequest(projectId, connection),
          name: 'failing', secretPath: '/failing', secretsMapping: { username: 'FAIL_USERNAME', password: 'FAIL_PASSWORD' },
        })
      ).secretRotation;
      await other.withAdmin((c) => c.call('ACL', 'SETUSER', ADMIN_USER, 'resetpass', '>changed-behind-rotors-back-2'));
      const res = await rotate(created.id);
      expect(res.status).toBe(200);
      expect(res.body.secretRotation).toMatchObject({ rotationStatus: 'failed', activeIndex: created.activeIndex, isRotationInFlight: false });
      expect(res.body.secretRotation.lastRotationMessage).toMatch(/auth|password|WRONGPASS/i);
      expect(res.body.secretRotation.lastRotatedAt).toBe(created.lastRotatedAt);
    }
  });

  it('never answers 409 nor an old active index once the mapped secrets hold the new credential (30 rotations)', async () => {
    let previous = await served();
    let pending = rotate();
    const refused: string[] = [];
    const contradicted: string[] = [];
    for (let i = 0; i < 30; i++) {
      // A script that rotates, reads the secret until it changes, then rotates again at once.
      const changed = await waitFor(
        async () => {
          const now = await served();
          return now.username !== previous.username ? now : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 5, message: `the secret to change (rotation ${i + 1})` },
      );
      const [next, read] = await Promise.all([rotate(), api.call<{ secretRotation: Rotation }>('GET', `${ROTATIONS}/${rotation.id}`)]);
      if (next.status === 409) refused.push(`rotation ${i + 1}: ${JSON.stringify(next.body)}`);
      const shown = read.body.secretRotation;
      if (!changed.username.endsWith(`_${shown.activeIndex}`) || shown.rotationStatus !== 'success') {
        contradicted.push(`rotation ${i + 1}: secret ${changed.username}, rotation says activeIndex ${shown.activeIndex} ${shown.rotationStatus}`);
      }
      expect((await pending).status).toBe(200);
      previous = changed;
      pending = Promise.resolve(next);
    }
    expect(refused).toEqual([]);
    expect(contradicted).toEqual([]);
    expect((await pending).status).toBe(200);
    rotation = (await api.ok<{ secretRotation: Rotation }>('GET', `${ROTATIONS}/${rotation.id}`)).secretRotation;
  }, 240_000);
});

describe('lists of a project', () => {
  it('lists every rotation of the project, whatever its type, as the per-type route does', async () => {
    const all = await api.ok<{ secretRotations: Rotation[] }>('GET', `/api/v2/secret-rotations?projectId=${projectId}`);
    const perType = await api.ok<{ secretRotations: Rotation[] }>('GET', `${ROTATIONS}?projectId=${projectId}`);
    expect(Object.keys(all)).toEqual(['secretRotations']);
    expect(all.secretRotations.map((r) => r.id)).toContain(rotation.id);
    expect(all.secretRotations.map((r) => ({ id: r.id, type: r['type'] }))).toEqual(perType.secretRotations.map((r) => ({ id: r.id, type: r['type'] })));
  });

  it('lists every app connection of the project, without passwords', async () => {
    const all = await api.ok<{ appConnections: Array<{ id: string; app: string }> }>('GET', `/api/v1/app-connections?projectId=${projectId}`);
    expect(Object.keys(all)).toEqual(['appConnections']);
    expect(all.appConnections.map((c) => c.id)).toContain(connectionId);
    expect(all.appConnections.every((c) => c.app === 'redis')).toBe(true);
    expect(JSON.stringify(all)).not.toContain(ADMIN_PASSWORD);
  });
});

describe('no side effect before every check', () => {
  let target: RedisServer;
  let targetConnection: string;

  beforeAll(async () => {
    target = await fleet.start();
    targetConnection = (
      await api.ok<{ appConnection: { id: string } }>('POST', '/api/v1/app-connections/redis', {
        name: 'untouched-redis', projectId, host: '127.0.0.1', port: target.port, username: ADMIN_USER, password: ADMIN_PASSWORD,
      })
    ).appConnection.id;
  });

  async function refusedWithoutRedisChange(body: Record<string, unknown>, field: string): Promise<void> {
    const before = await aclUsers(target);
    const res = await api.call<{ error: string; details: Array<{ field: string; message: string }> }>('POST', ROTATIONS, body);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('ROTATION.LOCATION_CONFLICT');
    expect(res.body.details.map((d) => d.field)).toEqual([field]);
    // Long enough for a request that had reached the executor to show in Redis.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await aclUsers(target)).toEqual(before);
  }

  it('refuses a name already used at the location before anything happens in Redis', async () => {
    await refusedWithoutRedisChange(
      {
        ...sampleRotationRequest(projectId, targetConnection),
        name: 'race', secretPath: '/race', secretsMapping: { username: 'OTHER_USERNAME', password: 'OTHER_PASSWORD' },
      },
      'name',
    );
  });

  it('refuses a mapped secret another rotation maps, before anything happens in Redis', async () => {
    await refusedWithoutRedisChange(
      {
        ...sampleRotationRequest(projectId, targetConnection),
        name: 'second', secretPath: '/race', secretsMapping: { username: 'OTHER_USERNAME', password: 'RACE_PASSWORD' },
      },
      'secretsMapping.password',
    );
  });

  it("refuses a mapped secret that exists as a user's own secret, and leaves that secret as it was", async () => {
    await api.ok('POST', '/api/v3/secrets/raw/DB_PASSWORD', { projectId, environment: 'dev', secretPath: '/own', secretValue: 'the-users-own-value' });
    await refusedWithoutRedisChange(
      {
        ...sampleRotationRequest(projectId, targetConnection),
        name: 'taker', secretPath: '/own', secretsMapping: { username: 'DB_USERNAME', password: 'DB_PASSWORD' },
      },
      'secretsMapping.password',
    );
    const own = await api.ok<{ secret: { secretValue: string; version: number; rotationId: string | null } }>(
      'GET',
      `/api/v3/secrets/raw/DB_PASSWORD?projectId=${projectId}&environment=dev&secretPath=/own`,
    );
    expect(own.secret).toMatchObject({ secretValue: 'the-users-own-value', version: 1, rotationId: null });
    expect((await api.call('GET', `${ROTATIONS}/rotation-name/taker?projectId=${projectId}&environment=dev&secretPath=/own`)).status).toBe(404);
  });

  it('creates the same rotation once the names are free, which does touch Redis (the check above can fail)', async () => {
    const before = await aclUsers(target);
    const created = await api.call<{ secretRotation: Rotation }>('POST', ROTATIONS, {
      ...sampleRotationRequest(projectId, targetConnection),
      name: 'taker', secretPath: '/own', secretsMapping: { username: 'DB_USERNAME', password: 'DB_SECRET' },
    });
    expect(created.status).toBe(200);
    const after = await aclUsers(target);
    expect(after.filter((u) => !before.includes(u))).toEqual([`rotor_${created.body.secretRotation.id.replace(/-/g, '')}_0`]);
  });
});
