import request from 'supertest';
import { connectionRequest, Harness, INTERNAL_TOKEN, Project, sampleRequest, startGateway } from './support/gateway-harness';

/** Every field of the documented sample response, then the ones Rotor adds. */
const SAMPLE_RESPONSE_FIELDS = [
  'id', 'name', 'description', 'isAutoRotationEnabled', 'activeIndex', 'folderId', 'connectionId', 'createdAt', 'updatedAt',
  'rotationInterval', 'rotationStatus', 'lastRotationAttemptedAt', 'lastRotatedAt', 'lastRotationJobId', 'nextRotationAt',
  'connection', 'environment', 'projectId', 'folder', 'rotateAtUtc', 'lastRotationMessage', 'type', 'parameters', 'secretsMapping',
  'isRotationInFlight', 'inFlightJobId',
];

describe('forwarding to the internal services', () => {
  let h: Harness;
  let project: Project;
  let connectionId: string;
  const auth = { type: 'bearer' as const };
  const R = '/api/v2/secret-rotations/redis-credentials';

  beforeAll(async () => {
    h = await startGateway('forwarding');
    project = await h.createProject('forwarding');
    const conn = await request(h.http).post('/api/v1/app-connections/redis').auth(h.adminToken, auth).send(connectionRequest(project.id)).expect(200);
    connectionId = conn.body.appConnection.id;
  });
  afterAll(async () => {
    await h?.close();
  });

  it("forwards the documented sample request with the environment and folder resolved", async () => {
    const sample = sampleRequest(project.id, connectionId);
    const res = await request(h.http).post(R).auth(h.adminToken, auth).send(sample).expect(200);

    const sent = h.rotationConfig.last('POST', '/internal/secret-rotations/redis-credentials');
    expect(sent?.headers['x-rotor-internal-token']).toBe(INTERNAL_TOKEN);
    const dev = project.environments.find((e) => e.slug === 'dev');
    expect(sent?.body).toEqual({
      ...sample,
      environment: { id: dev?.id, slug: 'dev', name: 'Development' },
      folder: { id: expect.any(String), path: '/' },
    });
    expect(Object.keys(res.body.secretRotation).sort()).toEqual([...SAMPLE_RESPONSE_FIELDS].sort());
    expect(res.body.secretRotation).toMatchObject({ projectId: project.id, environment: { slug: 'dev', name: 'Development' }, folder: { path: '/' } });
  });

  it('fills the documented defaults before forwarding', async () => {
    const { isAutoRotationEnabled: _a, rotateAtUtc: _r, parameters: _p, description: _d, ...minimal } = sampleRequest(project.id, connectionId);
    await request(h.http).post(R).auth(h.adminToken, auth).send({ ...minimal, name: 'minimal' }).expect(200);
    const sent = h.rotationConfig.last('POST', '/internal/secret-rotations/redis-credentials')?.body as Record<string, unknown>;
    expect(sent).toMatchObject({
      isAutoRotationEnabled: true,
      rotateAtUtc: { hours: 0, minutes: 0 },
      parameters: {
        permissionScope: '~* +@all',
        passwordRequirements: { length: 48, required: { digits: 1, lowercase: 1, uppercase: 1, symbols: 1 }, allowedSymbols: '-_.~!*' },
      },
    });
  });

  it('normalizes the secret path and reuses the folder created for it', async () => {
    await request(h.http).post(R).auth(h.adminToken, auth).send({ ...sampleRequest(project.id, connectionId), name: 'p1', secretPath: '//app//redis/' }).expect(200);
    const first = h.rotationConfig.last('POST', '/internal/secret-rotations/redis-credentials')?.body as { secretPath: string; folder: { id: string; path: string } };
    expect(first.secretPath).toBe('/app/redis');
    expect(first.folder.path).toBe('/app/redis');
    await request(h.http).post(R).auth(h.adminToken, auth).send({ ...sampleRequest(project.id, connectionId), name: 'p2', secretPath: '/app/redis' }).expect(200);
    const second = h.rotationConfig.last('POST', '/internal/secret-rotations/redis-credentials')?.body as { folder: { id: string } };
    expect(second.folder.id).toBe(first.folder.id);
    const folders = await request(h.http).get(`/api/v1/projects/${project.id}/folders`).query({ environment: 'dev' }).auth(h.adminToken, auth).expect(200);
    expect(folders.body.folders.map((f: { path: string }) => f.path)).toEqual(['/', '/app/redis']);
  });

  it('forwards every by-id action with the project of the rotation', async () => {
    const created = await request(h.http).post(R).auth(h.adminToken, auth).send({ ...sampleRequest(project.id, connectionId), name: 'by-id' }).expect(200);
    const id = created.body.secretRotation.id as string;

    const got = await request(h.http).get(`${R}/${id}`).auth(h.adminToken, auth).expect(200);
    expect(got.body.secretRotation.id).toBe(id);

    await request(h.http).patch(`${R}/${id}`).auth(h.adminToken, auth).send({ rotationInterval: 7, rotateAtUtc: { hours: 3, minutes: 15 } }).expect(200);
    expect(h.rotationConfig.last('PATCH')).toMatchObject({
      path: `/internal/secret-rotations/redis-credentials/${id}`,
      query: { projectId: project.id },
      body: { rotationInterval: 7, rotateAtUtc: { hours: 3, minutes: 15 } },
    });

    const rotated = await request(h.http).post(`${R}/${id}/rotate-secrets`).auth(h.adminToken, auth).expect(200);
    expect(rotated.body.secretRotation.activeIndex).toBe(1);
    expect(rotated.body.jobId).toBe(rotated.body.secretRotation.lastRotationJobId);
    expect(h.rotationConfig.last('POST', `/internal/secret-rotations/redis-credentials/${id}/rotate-secrets`)?.query).toEqual({ projectId: project.id });

    const history = await request(h.http).get(`${R}/${id}/history`).auth(h.adminToken, auth).expect(200);
    expect(history.body.history[0].type).toBe('RotationCreated');

    const creds = await request(h.http).get(`${R}/${id}/generated-credentials`).auth(h.adminToken, auth).expect(200);
    expect(creds.body.activeIndex).toBe(0);
    expect(h.secretStore.last('GET', `/internal/rotations/${id}/generated-credentials`)?.query).toEqual({ projectId: project.id });

    const byName = await request(h.http)
      .get(`${R}/rotation-name/by-id`)
      .query({ projectId: project.id, environment: 'dev', secretPath: '//' })
      .auth(h.adminToken, auth)
      .expect(200);
    expect(byName.body.secretRotation.id).toBe(id);
    expect(h.rotationConfig.last('GET', '/internal/secret-rotations/redis-credentials/rotation-name/')?.query).toEqual({
      projectId: project.id,
      environment: 'dev',
      secretPath: '/',
    });

    await request(h.http).delete(`${R}/${id}`).query({ deleteSecrets: 'true' }).auth(h.adminToken, auth).expect(200);
    expect(h.rotationConfig.last('DELETE')?.query).toEqual({ projectId: project.id, deleteSecrets: 'true', revokeGeneratedCredentials: 'false' });
    await request(h.http).get(`${R}/${id}`).auth(h.adminToken, auth).expect(404);
  });

  it('knows who owns a rotation it created; a rotation gone behind its back is still a 404 of its own', async () => {
    const created = await request(h.http).post(R).auth(h.adminToken, auth).send({ ...sampleRequest(project.id, connectionId), name: 'owner-once' }).expect(200);
    const id = created.body.secretRotation.id as string;
    const lookups = () => h.rotationConfig.requests.filter((r) => r.method === 'GET' && r.path === `/internal/secret-rotations/redis-credentials/${id}`).length;

    await request(h.http).post(`${R}/${id}/rotate-secrets`).auth(h.adminToken, auth).expect(200);
    await request(h.http).post(`${R}/${id}/rotate-secrets`).auth(h.adminToken, auth).expect(200);
    await request(h.http).get(`${R}/${id}/history`).auth(h.adminToken, auth).expect(200);
    expect(lookups()).toBe(0);

    // Deleted without the gateway seeing it (another gateway instance, say).
    h.rotationConfig.rotations.delete(id);
    const gone = await request(h.http).post(`${R}/${id}/rotate-secrets`).auth(h.adminToken, auth).expect(404);
    expect(gone.body).toMatchObject({ error: 'SECRET_ROTATION.NOT_FOUND', message: `secret rotation ${id} not found` });
    await request(h.http).get(`${R}/${id}/generated-credentials`).auth(h.adminToken, auth).expect(404);
  });

  it('lists only through the project asked for', async () => {
    const res = await request(h.http).get(R).query({ projectId: project.id }).auth(h.adminToken, auth).expect(200);
    expect(res.body.secretRotations.length).toBeGreaterThan(0);
    expect(h.rotationConfig.last('GET', '/internal/secret-rotations/redis-credentials')?.query).toEqual({ projectId: project.id });
  });

  it('relays 202 with the rotation and the job id when the job is still in flight after rotation-config\'s wait', async () => {
    const created = await request(h.http).post(R).auth(h.adminToken, auth).send({ ...sampleRequest(project.id, connectionId), name: 'slow-job' }).expect(200);
    const id = created.body.secretRotation.id as string;
    const routes = h.rotationConfig.routeCount;
    h.rotationConfig.on('POST', new RegExp(`/${id}/rotate-secrets$`), () => ({
      status: 202,
      body: { secretRotation: { ...created.body.secretRotation, isRotationInFlight: true, inFlightJobId: 'job-1' }, jobId: 'job-1' },
    }));
    try {
      const res = await request(h.http).post(`${R}/${id}/rotate-secrets`).auth(h.adminToken, auth).expect(202);
      expect(res.body).toMatchObject({ jobId: 'job-1', secretRotation: { id, isRotationInFlight: true, inFlightJobId: 'job-1' } });
    } finally {
      h.rotationConfig.resetTo(routes);
    }
  });

  it('lists every rotation of a project, whatever its type, at /api/v2/secret-rotations', async () => {
    const res = await request(h.http).get('/api/v2/secret-rotations').query({ projectId: project.id }).auth(h.adminToken, auth).expect(200);
    const perType = await request(h.http).get(R).query({ projectId: project.id }).auth(h.adminToken, auth).expect(200);
    expect(Object.keys(res.body)).toEqual(['secretRotations']);
    expect(res.body.secretRotations.length).toBeGreaterThan(0);
    expect(res.body).toEqual(perType.body);
    expect(res.body.secretRotations.every((r: { type: string; projectId: string }) => r.type === 'redis-credentials' && r.projectId === project.id)).toBe(true);
    expect(h.rotationConfig.last('GET', '/internal/secret-rotations/redis-credentials')?.query).toEqual({ projectId: project.id });
    const missing = await request(h.http).get('/api/v2/secret-rotations').auth(h.adminToken, auth).expect(400);
    expect(missing.body.details.map((d: { field: string }) => d.field)).toEqual(['projectId']);
  });

  it('lists every app connection of a project at /api/v1/app-connections, without passwords', async () => {
    const res = await request(h.http).get('/api/v1/app-connections').query({ projectId: project.id }).auth(h.adminToken, auth).expect(200);
    const perApp = await request(h.http).get('/api/v1/app-connections/redis').query({ projectId: project.id }).auth(h.adminToken, auth).expect(200);
    expect(Object.keys(res.body)).toEqual(['appConnections']);
    expect(res.body.appConnections.map((c: { id: string }) => c.id)).toContain(connectionId);
    expect(res.body).toEqual(perApp.body);
    expect(JSON.stringify(res.body)).not.toContain(connectionRequest(project.id)['password'] as string);
  });

  it('drops items of other projects from a list, whatever the service answers', async () => {
    const routes = h.rotationConfig.routeCount;
    h.rotationConfig.on('GET', /^\/internal\/secret-rotations\/redis-credentials$/, () => ({
      status: 200,
      body: { secretRotations: [{ id: 'mine', projectId: project.id }, { id: 'theirs', projectId: 'someone-else' }] },
    }));
    try {
      const res = await request(h.http).get(R).query({ projectId: project.id }).auth(h.adminToken, auth).expect(200);
      expect(res.body.secretRotations).toEqual([{ id: 'mine', projectId: project.id }]);
    } finally {
      h.rotationConfig.resetTo(routes);
    }
  });

  it("passes a service's 4xx answer through unchanged", async () => {
    const routes = h.rotationConfig.routeCount;
    const conflict = { statusCode: 409, error: 'SECRET_ROTATION.NAME_TAKEN', message: 'a rotation named "taken" exists at dev:/', details: [] };
    h.rotationConfig.on('POST', /^\/internal\/secret-rotations\/redis-credentials$/, () => ({ status: 409, body: conflict }));
    try {
      const res = await request(h.http).post(R).auth(h.adminToken, auth).send({ ...sampleRequest(project.id, connectionId), name: 'taken' }).expect(409);
      expect(res.body).toEqual(conflict);
    } finally {
      h.rotationConfig.resetTo(routes);
    }
  });

  it('passes through a 503 in which the service states its cause', async () => {
    const routes = h.rotationConfig.routeCount;
    const cause = { statusCode: 503, error: 'ROTATION.INITIAL_ISSUE_TIMEOUT', message: 'the first credential set was not issued within 20000 ms', details: [] };
    h.rotationConfig.on('POST', /^\/internal\/secret-rotations\/redis-credentials$/, () => ({ status: 503, body: cause }));
    try {
      const res = await request(h.http).post(R).auth(h.adminToken, auth).send({ ...sampleRequest(project.id, connectionId), name: 'slow' }).expect(503);
      expect(res.body).toEqual(cause);
    } finally {
      h.rotationConfig.resetTo(routes);
    }
  });

  it.each([
    ['fails', { status: 500, body: { statusCode: 500, error: 'INTERNAL', message: 'internal error' } }, 'failed to handle the request'],
    ['refuses the internal token', { status: 401, body: { statusCode: 401, error: 'AUTH.INTERNAL_TOKEN', message: 'no' } }, 'misconfigured'],
    ['answers too slowly', { status: 200, body: {}, delayMs: 3000 }, 'did not answer within 1500 ms'],
  ])('answers 503 naming rotation-config when it %s', async (_what, reply, fragment) => {
    const routes = h.rotationConfig.routeCount;
    h.rotationConfig.on('GET', /^\/internal\/secret-rotations\/redis-credentials$/, () => reply);
    try {
      const res = await request(h.http).get(R).query({ projectId: project.id }).auth(h.adminToken, auth).expect(503);
      expect(res.body.error).toBe('UPSTREAM.ROTATION_CONFIG_UNAVAILABLE');
      expect(res.body.message).toContain('rotation-config');
      expect(res.body.message).toContain(fragment);
    } finally {
      h.rotationConfig.resetTo(routes);
    }
  });

  it('sends the connection password to rotation-config but never shows it back', async () => {
    const res = await request(h.http)
      .post('/api/v1/app-connections/redis')
      .auth(h.adminToken, auth)
      .send({
        ...connectionRequest(project.id, 'sentinel-conn'),
        topology: { type: 'sentinel', masterName: 'mymaster', sentinels: [{ host: '10.0.0.5', port: 26379 }], sentinelPassword: 'sentinel-secret' },
      })
      .expect(200);
    const sent = h.rotationConfig.last('POST', '/internal/app-connections/redis')?.body as Record<string, unknown>;
    expect(sent).toMatchObject({
      password: 'admin-secret-password',
      port: 6379,
      tls: { enabled: false, caCertificate: null, rejectUnauthorized: true, servername: null },
      topology: { type: 'sentinel', sentinelPassword: 'sentinel-secret', sentinelUsername: null },
    });
    const id = res.body.appConnection.id as string;
    for (const answer of [
      res,
      await request(h.http).get(`/api/v1/app-connections/redis/${id}`).auth(h.adminToken, auth).expect(200),
      await request(h.http).get('/api/v1/app-connections/redis').query({ projectId: project.id }).auth(h.adminToken, auth).expect(200),
      await request(h.http).patch(`/api/v1/app-connections/redis/${id}`).auth(h.adminToken, auth).send({ password: 'new-admin-password' }).expect(200),
    ]) {
      const text = JSON.stringify(answer.body);
      expect(text).not.toContain('admin-secret-password');
      expect(text).not.toContain('new-admin-password');
      expect(text).not.toContain('sentinel-secret');
      expect(text).not.toContain('"password"');
    }
  });

  it('forwards secrets with the location normalized and creates the folder on write', async () => {
    await request(h.http)
      .post('/api/v3/secrets/raw/DATABASE_URL')
      .auth(h.adminToken, auth)
      .send({ projectId: project.id, environment: 'staging', secretPath: '/billing/', secretValue: 'postgres://x' })
      .expect(200);
    expect(h.secretStore.last('POST')).toMatchObject({
      path: '/internal/secrets/raw/DATABASE_URL',
      body: { projectId: project.id, environment: 'staging', secretPath: '/billing', secretValue: 'postgres://x' },
    });
    const folders = await request(h.http).get(`/api/v1/projects/${project.id}/folders`).query({ environment: 'staging' }).auth(h.adminToken, auth).expect(200);
    expect(folders.body.folders.map((f: { path: string }) => f.path)).toEqual(['/billing']);

    await request(h.http).get('/api/v3/secrets/raw').query({ projectId: project.id, environment: 'staging', secretPath: '/billing' }).auth(h.adminToken, auth).expect(200);
    expect(h.secretStore.last('GET')?.query).toEqual({ projectId: project.id, environment: 'staging', secretPath: '/billing' });
    await request(h.http).get('/api/v3/secrets/raw/DATABASE_URL').query({ projectId: project.id, environment: 'staging', version: '2' }).auth(h.adminToken, auth).expect(200);
    expect(h.secretStore.last('GET')?.query).toEqual({ projectId: project.id, environment: 'staging', secretPath: '/', version: '2' });
    await request(h.http).patch('/api/v3/secrets/raw/DATABASE_URL').auth(h.adminToken, auth).send({ projectId: project.id, environment: 'staging', secretValue: 'v2' }).expect(200);
    expect(h.secretStore.last('PATCH')?.body).toEqual({ projectId: project.id, environment: 'staging', secretPath: '/', secretValue: 'v2' });
    await request(h.http).delete('/api/v3/secrets/raw/DATABASE_URL').query({ projectId: project.id, environment: 'staging' }).auth(h.adminToken, auth).expect(200);
    expect(h.secretStore.last('DELETE')?.query).toEqual({ projectId: project.id, environment: 'staging', secretPath: '/' });
    // Infisical-style clients send the location of a DELETE in its body.
    await request(h.http).delete('/api/v3/secrets/raw/DATABASE_URL').auth(h.adminToken, auth).send({ projectId: project.id, environment: 'staging', secretPath: '/billing' }).expect(200);
    expect(h.secretStore.last('DELETE')?.query).toEqual({ projectId: project.id, environment: 'staging', secretPath: '/billing' });
  });

  it('serves the rotation options with the Redis template and defaults', async () => {
    const res = await request(h.http).get('/api/v2/secret-rotations/options').auth(h.adminToken, auth).expect(200);
    expect(res.body.secretRotationOptions).toEqual([
      expect.objectContaining({
        type: 'redis-credentials',
        connection: 'redis',
        template: expect.objectContaining({ permissionScope: '~* +@all', secretsMapping: { username: 'REDIS_USERNAME', password: 'REDIS_PASSWORD' } }),
      }),
    ]);
  });

  // Last: the stub does not come back on the same port.
  it('answers 503 naming the secret-store when it is down', async () => {
    await h.secretStore.stop();
    const res = await request(h.http).get('/api/v3/secrets/raw').query({ projectId: project.id, environment: 'dev' }).auth(h.adminToken, auth).expect(503);
    expect(res.body).toMatchObject({ error: 'UPSTREAM.SECRET_STORE_UNAVAILABLE', message: 'secret-store is unreachable; try again shortly' });
  });
});
