import { randomBytes, randomUUID } from 'node:crypto';
import { INTERNAL_TOKEN_HEADER } from '@rotor/service-runtime';
import { waitUntilConsumed } from './support/consumed';
import { Rotation, credentialsRotated, newRotation, uniquePassword, usernameFor } from './support/events';
import { SecretStoreHarness } from './support/harness';

jest.setTimeout(60_000);

describe('secret store: internal HTTP API', () => {
  const h = new SecretStoreHarness('api');

  const project = () => `proj-${randomBytes(4).toString('hex')}`;
  const folder = (projectId: string, secretPath = '/app') => ({ projectId, environment: 'dev', secretPath });
  const query = (f: { projectId: string; environment: string; secretPath: string }) =>
    `projectId=${f.projectId}&environment=${f.environment}&secretPath=${encodeURIComponent(f.secretPath)}`;

  async function rotate(r: Rotation, generation: number, password: string): Promise<void> {
    await waitUntilConsumed(h.stack.kafka, h.stack.groupId, await h.producer.send(credentialsRotated(h.stack.cipher, r, generation, password)));
  }

  beforeAll(() => h.start());
  afterAll(() => h.stop());

  it('refuses every internal route without the internal token', async () => {
    const routes: [method: 'get' | 'post' | 'patch' | 'delete', path: string][] = [
      ['get', '/internal/secrets/raw?projectId=p&environment=dev'],
      ['get', '/internal/secrets/raw/KEY?projectId=p&environment=dev'],
      ['post', '/internal/secrets/raw/KEY'],
      ['patch', '/internal/secrets/raw/KEY'],
      ['delete', '/internal/secrets/raw/KEY'],
      ['get', '/internal/rotations/r1/generated-credentials?projectId=p'],
      ['get', '/internal/secrets/keys?projectId=p&environment=dev'],
      ['post', '/internal/rotations/stored-jobs'],
    ];
    for (const [method, path] of routes) {
      const none = await h.app.http()[method](path).send({});
      expect({ method, path, status: none.status, error: none.body.error }).toEqual({ method, path, status: 401, error: 'AUTH.INTERNAL_TOKEN' });
      const wrong = await h.app.http()[method](path).set(INTERNAL_TOKEN_HEADER, 'not-the-token').send({});
      expect({ method, path, status: wrong.status }).toEqual({ method, path, status: 401 });
    }
  });

  it('lists the keys of a folder with the rotation managing each, and never a value', async () => {
    const r = newRotation({ secretPath: '/keys' });
    const f = { projectId: r.projectId, environment: r.environment, secretPath: r.secretPath };
    await h.app.post('/internal/secrets/raw/USER_OWN').send({ ...f, secretValue: 'own-value' }).expect(200);
    const secret = uniquePassword();
    await rotate(r, 1, secret);
    const res = await h.app.get(`/internal/secrets/keys?${query(f)}`).expect(200);
    expect(res.body).toEqual({
      secrets: [
        { secretKey: 'REDIS_PASSWORD', rotationId: r.rotationId },
        { secretKey: 'REDIS_USERNAME', rotationId: r.rotationId },
        { secretKey: 'USER_OWN', rotationId: null },
      ],
    });
    expect(JSON.stringify(res.body)).not.toContain(secret);
    expect(JSON.stringify(res.body)).not.toContain('own-value');
    const elsewhere = await h.app.get(`/internal/secrets/keys?${query({ ...f, projectId: project() })}`).expect(200);
    expect(elsewhere.body).toEqual({ secrets: [] });
    const bad = await h.app.get('/internal/secrets/keys?environment=dev').expect(400);
    expect(bad.body.details.map((d: { field: string }) => d.field)).toEqual(['projectId']);
  });

  it('tells which rotation jobs it has stored, in the project asked about only', async () => {
    const r = newRotation({ secretPath: '/jobs' });
    const event = credentialsRotated(h.stack.cipher, r, 1, uniquePassword());
    await waitUntilConsumed(h.stack.kafka, h.stack.groupId, await h.producer.send(event));
    const stored = event.payload.jobId;
    const unknown = randomUUID();
    const res = await h.app.post('/internal/rotations/stored-jobs').send({ projectId: r.projectId, jobIds: [stored, unknown] }).expect(200);
    expect(res.body).toEqual({ storedJobIds: [stored] });
    const other = await h.app.post('/internal/rotations/stored-jobs').send({ projectId: project(), jobIds: [stored] }).expect(200);
    expect(other.body).toEqual({ storedJobIds: [] });
    const bad = await h.app.post('/internal/rotations/stored-jobs').send({ projectId: r.projectId, jobIds: 'x' }).expect(400);
    expect(bad.body.details.map((d: { field: string }) => d.field)).toEqual(['jobIds']);
  });

  it('creates, reads, versions, updates and deletes an ordinary secret', async () => {
    const f = folder(project());
    const created = await h.app.post('/internal/secrets/raw/API_KEY').send({ ...f, secretValue: 'first-value' }).expect(200);
    expect(created.body.secret).toEqual({
      id: expect.any(String), secretKey: 'API_KEY', secretValue: 'first-value', version: 1, updatedAt: expect.any(String),
      rotationId: null, environment: 'dev', secretPath: '/app', type: 'shared',
    });

    const updated = await h.app.patch('/internal/secrets/raw/API_KEY').send({ ...f, secretValue: 'second-value' }).expect(200);
    expect(updated.body.secret).toMatchObject({ version: 2, secretValue: 'second-value' });

    const current = await h.app.get(`/internal/secrets/raw/API_KEY?${query(f)}`).expect(200);
    expect(current.body.secret).toMatchObject({ version: 2, secretValue: 'second-value', id: created.body.secret.id });
    const v1 = await h.app.get(`/internal/secrets/raw/API_KEY?${query(f)}&version=1`).expect(200);
    expect(v1.body.secret).toMatchObject({ version: 1, secretValue: 'first-value' });
    const v3 = await h.app.get(`/internal/secrets/raw/API_KEY?${query(f)}&version=3`).expect(404);
    expect(v3.body).toMatchObject({ error: 'SECRET.NOT_FOUND', message: 'secret API_KEY in dev:/app at version 3 not found' });

    const list = await h.app.get(`/internal/secrets/raw?${query(f)}`).expect(200);
    expect(list.body.secrets.map((s: { secretKey: string; version: number }) => [s.secretKey, s.version])).toEqual([['API_KEY', 2]]);

    const deleted = await h.app.delete('/internal/secrets/raw/API_KEY').send(f).expect(200);
    expect(deleted.body.secret).toMatchObject({ secretKey: 'API_KEY', version: 2 });
    expect(deleted.body.secret.secretValue).toBeUndefined();
    await h.app.get(`/internal/secrets/raw/API_KEY?${query(f)}`).expect(404);
    expect((await h.app.get(`/internal/secrets/raw?${query(f)}`).expect(200)).body.secrets).toEqual([]);
  });

  it('announces user changes as SecretsUpdated without the value', async () => {
    const f = folder(project());
    const created = await h.app.post('/internal/secrets/raw/TOKEN').send({ ...f, secretValue: 'announce-me-not' }).expect(200);
    await h.app.patch('/internal/secrets/raw/TOKEN').send({ ...f, secretValue: 'announce-me-not-2' }).expect(200);
    const rows: { envelope: { type: string; payload: unknown } }[] = await h.stack.db.query(
      'SELECT envelope FROM outbox WHERE key = $1 ORDER BY id',
      [created.body.secret.id],
    );
    expect(rows.map((r) => r.envelope.payload)).toEqual([1, 2].map((version) => ({
      ...f, rotationId: null, secrets: [{ key: 'TOKEN', version }], updatedAt: expect.any(String),
    })));
    expect(JSON.stringify(rows)).not.toContain('announce-me-not');
  });

  it('treats /app, /app/ and //app as one folder', async () => {
    const f = folder(project(), '/app/');
    await h.app.post('/internal/secrets/raw/PATHED').send({ ...f, secretValue: 'v' }).expect(200);
    const res = await h.app.get(`/internal/secrets/raw/PATHED?${query({ ...f, secretPath: '//app' })}`).expect(200);
    expect(res.body.secret.secretPath).toBe('/app');
  });

  it("answers 404 for another project's secret and never lists it", async () => {
    const owner = folder(project());
    const other = { ...owner, projectId: project() };
    await h.app.post('/internal/secrets/raw/PRIVATE').send({ ...owner, secretValue: 'owner-only' }).expect(200);

    const get = await h.app.get(`/internal/secrets/raw/PRIVATE?${query(other)}`).expect(404);
    expect(get.body.error).toBe('SECRET.NOT_FOUND');
    expect((await h.app.get(`/internal/secrets/raw?${query(other)}`).expect(200)).body.secrets).toEqual([]);
    await h.app.patch('/internal/secrets/raw/PRIVATE').send({ ...other, secretValue: 'x' }).expect(404);
    await h.app.delete('/internal/secrets/raw/PRIVATE').send(other).expect(404);
    // ...and creating the same key there makes a separate secret.
    await h.app.post('/internal/secrets/raw/PRIVATE').send({ ...other, secretValue: 'other-value' }).expect(200);
    expect((await h.app.get(`/internal/secrets/raw/PRIVATE?${query(owner)}`).expect(200)).body.secret.secretValue).toBe('owner-only');
  });

  it('answers 409 when the secret already exists', async () => {
    const f = folder(project());
    await h.app.post('/internal/secrets/raw/TWICE').send({ ...f, secretValue: 'a' }).expect(200);
    const res = await h.app.post('/internal/secrets/raw/TWICE').send({ ...f, secretValue: 'b' }).expect(409);
    expect(res.body).toMatchObject({ error: 'SECRET.ALREADY_EXISTS', message: 'secret TWICE in dev:/app already exists' });
  });

  it('answers 400 naming each bad field, without echoing the value', async () => {
    const missing = await h.app.get('/internal/secrets/raw?projectId=p').expect(400);
    expect(missing.body.details.map((d: { field: string }) => d.field)).toEqual(['environment']);

    const badName = await h.app.post('/internal/secrets/raw/bad%20name').send({ ...folder('p'), secretValue: 'v' }).expect(400);
    expect(badName.body).toMatchObject({ error: 'SECRET.INVALID', details: [{ field: 'secretName' }] });

    const badBody = await h.app.patch('/internal/secrets/raw/OK').send({ projectId: 'p', environment: 'dev env', secretPath: 'app', secretValue: 42 }).expect(400);
    expect(badBody.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['environment', 'secretPath', 'secretValue']);

    const tooLong = 'S3CRET-'.repeat(10_000);
    const res = await h.app.post('/internal/secrets/raw/BIG').send({ ...folder('p'), secretValue: tooLong }).expect(400);
    expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(['secretValue']);
    expect(JSON.stringify(res.body)).not.toContain('S3CRET-');
  });

  it('keeps rotation-managed secrets read-only: 409 naming the rotation, value unchanged', async () => {
    const r = newRotation({ environment: 'dev', secretPath: '/app' });
    const password = uniquePassword();
    await rotate(r, 1, password);
    const f = { projectId: r.projectId, environment: r.environment, secretPath: r.secretPath };

    for (const [method, key] of [['post', 'REDIS_PASSWORD'], ['patch', 'REDIS_PASSWORD'], ['delete', 'REDIS_USERNAME']] as const) {
      const res = await h.app[method](`/internal/secrets/raw/${key}`).send({ ...f, secretValue: 'overwrite-attempt' }).expect(409);
      expect(res.body).toMatchObject({ error: 'SECRET.MANAGED_BY_ROTATION' });
      expect(res.body.message).toContain(r.rotationId);
      expect(JSON.stringify(res.body)).not.toContain(password);
    }
    const read = await h.app.get(`/internal/secrets/raw/REDIS_PASSWORD?${query(f)}`).expect(200);
    expect(read.body.secret).toMatchObject({ secretValue: password, version: 1, rotationId: r.rotationId });
  });

  it('serves both generated credential slots of a rotation to its own project only', async () => {
    const r = newRotation();
    const [p1, p2, p3] = [uniquePassword(), uniquePassword(), uniquePassword()];
    const url = `/internal/rotations/${r.rotationId}/generated-credentials`;
    const missing = await h.app.get(`${url}?projectId=${r.projectId}`).expect(404);
    expect(missing.body).toMatchObject({ error: 'ROTATION.NOT_FOUND' });
    expect(missing.body.message).toContain(r.rotationId);

    await rotate(r, 1, p1);
    expect((await h.app.get(`${url}?projectId=${r.projectId}`).expect(200)).body).toEqual({
      generatedCredentials: [{ username: usernameFor(r, 0), password: p1 }],
      activeIndex: 0,
      rotationId: r.rotationId,
      type: 'redis-credentials',
    });

    await rotate(r, 2, p2);
    await rotate(r, 3, p3);
    const both = await h.app.get(`${url}?projectId=${r.projectId}`).expect(200);
    // Slot 0 now holds generation 3; slot 1 still holds generation 2, which Redis still accepts.
    expect(both.body.generatedCredentials).toEqual([
      { username: usernameFor(r, 0), password: p3 },
      { username: usernameFor(r, 1), password: p2 },
    ]);
    expect(both.body.activeIndex).toBe(0);

    await h.app.get(`${url}?projectId=${project()}`).expect(404);
    await h.app.get(url).expect(400);
  });

  it('is ready when Postgres, Kafka and its consumer answer', async () => {
    const res = await h.app.http().get('/health/ready').expect(200);
    expect(res.body.checks).toEqual({ postgres: 'up', kafka: 'up', consumer: 'up' });
  });
});
