import { connect } from 'node:net';
import request from 'supertest';
import { connectionRequest, Harness, Project, sampleRequest, startGateway } from './support/gateway-harness';
import { fakeSecretStore } from './support/fake-services';
import { StubService } from './support/stub-service';

/**
 * A loopback port nothing listens on, so connections to it are refused. Not one from the
 * ephemeral range: a port released there is soon handed to another suite's server running in
 * parallel, which then answers in its place. Port 1 is below that range and no test binds it.
 */
async function refusingPort(): Promise<number> {
  const port = 1;
  const refused = await new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
  });
  if (!refused) throw new Error(`127.0.0.1:${port} is expected to refuse connections on this machine`);
  return port;
}

describe('internal services running as several instances', () => {
  let h: Harness;
  let project: Project;
  let second: StubService;
  const auth = { type: 'bearer' as const };
  const R = '/api/v2/secret-rotations/redis-credentials';

  beforeAll(async () => {
    second = fakeSecretStore();
    await second.start();
    const down = `http://127.0.0.1:${await refusingPort()}`;
    // The first instance of each is down, as one killed would be.
    h = await startGateway('instances', {
      upstreamEnv: (stubs) => ({ SECRET_STORE_URL: `${down},${stubs.secretStore},${second.url}`, ROTATION_CONFIG_URL: `${down},${stubs.rotationConfig}` }),
    });
    project = await h.createProject('instances');
  }, 30_000);
  afterAll(async () => {
    await h?.close();
    await second?.stop();
  });

  const readSecrets = () => request(h.http).get('/api/v3/secrets/raw').query({ projectId: project.id, environment: 'dev' }).auth(h.adminToken, auth);

  it('serves every read while an instance is down, the live instances taking turns', async () => {
    const before = [h.secretStore.requests.length, second.requests.length];
    for (let i = 0; i < 9; i++) await readSecrets().expect(200);
    const served = [h.secretStore.requests.length - before[0], second.requests.length - before[1]];
    expect(served[0] + served[1]).toBe(9);
    expect(served[0]).toBeGreaterThanOrEqual(3);
    expect(served[1]).toBeGreaterThanOrEqual(3);
  });

  it('sends a write to the next instance when the first refused the connection, and only once', async () => {
    const conn = await request(h.http).post('/api/v1/app-connections/redis').auth(h.adminToken, auth).send(connectionRequest(project.id)).expect(200);
    const sentBefore = h.rotationConfig.requests.filter((r) => r.method === 'POST' && r.path === '/internal/secret-rotations/redis-credentials').length;
    for (let i = 0; i < 4; i++) {
      await request(h.http).post(R).auth(h.adminToken, auth).send({ ...sampleRequest(project.id, conn.body.appConnection.id), name: `instances-${i}` }).expect(200);
    }
    const sent = h.rotationConfig.requests.filter((r) => r.method === 'POST' && r.path === '/internal/secret-rotations/redis-credentials').length;
    expect(sent - sentBefore).toBe(4);
  });

  it('does not send a write that timed out to another instance', async () => {
    const routes = [h.secretStore.routeCount, second.routeCount];
    const slow = { status: 200, body: {}, delayMs: 3_000 };
    h.secretStore.on('POST', /^\/internal\/secrets\/raw\/SLOW$/, () => slow);
    second.on('POST', /^\/internal\/secrets\/raw\/SLOW$/, () => slow);
    try {
      const res = await request(h.http)
        .post('/api/v3/secrets/raw/SLOW')
        .auth(h.adminToken, auth)
        .send({ projectId: project.id, environment: 'dev', secretPath: '/', secretValue: 'v' })
        .expect(503);
      expect(res.body.error).toBe('UPSTREAM.SECRET_STORE_UNAVAILABLE');
      const received = [...h.secretStore.requests, ...second.requests].filter((r) => r.path === '/internal/secrets/raw/SLOW');
      expect(received).toHaveLength(1);
    } finally {
      h.secretStore.resetTo(routes[0]);
      second.resetTo(routes[1]);
    }
  });

  // Last: the stubs do not come back.
  it('answers 503 naming the service when every instance is down', async () => {
    await h.secretStore.stop();
    await second.stop();
    const res = await readSecrets().expect(503);
    expect(res.body).toMatchObject({ error: 'UPSTREAM.SECRET_STORE_UNAVAILABLE', message: 'secret-store is unreachable; try again shortly' });
  });
});
