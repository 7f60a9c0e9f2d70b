import request from 'supertest';
import { ALL_PERMISSIONS, connectionRequest, dumpTables, Harness, startGateway } from './support/gateway-harness';
import { hashToken } from '../src/auth/bearer-tokens';
import { ROUTES } from './support/routes';

function call(h: Harness, method: string, path: string): request.Test {
  const agent = request(h.http);
  switch (method) {
    case 'POST':
      return agent.post(path);
    case 'PUT':
      return agent.put(path);
    case 'PATCH':
      return agent.patch(path);
    case 'DELETE':
      return agent.delete(path);
    default:
      return agent.get(path);
  }
}

describe('authentication', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startGateway('auth');
  });
  afterAll(async () => {
    await h?.close();
  });

  it.each(ROUTES)('answers %s %s with 401 and a Bearer challenge without a token', async (method, path) => {
    const res = await call(h, method, path).send({});
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('AUTH.UNAUTHENTICATED');
    expect(res.headers['www-authenticate']).toContain('Bearer');
  });

  it('answers 401 for an unknown token and for a malformed Authorization header', async () => {
    await request(h.http).get('/api/v1/projects').auth('rotor_not-a-real-token', { type: 'bearer' }).expect(401);
    await request(h.http).get('/api/v1/projects').set('authorization', `Basic ${h.adminToken}`).expect(401);
    await request(h.http).get('/api/v1/projects').auth(h.adminToken, { type: 'bearer' }).expect(200);
  });

  it('stops accepting a token once it is revoked', async () => {
    const project = await h.createProject('revoke-me');
    const created = await request(h.http)
      .post('/api/v1/identities')
      .auth(h.adminToken, { type: 'bearer' })
      .send({ name: 'ci', roles: [{ projectId: project.id, permissions: ['read'] }] })
      .expect(201);
    const { token } = created.body;
    await request(h.http).get('/api/v1/identities/me').auth(token.token, { type: 'bearer' }).expect(200);
    await request(h.http)
      .delete(`/api/v1/identities/${created.body.identity.id}/tokens/${token.id}`)
      .auth(h.adminToken, { type: 'bearer' })
      .expect(200);
    await request(h.http).get('/api/v1/identities/me').auth(token.token, { type: 'bearer' }).expect(401);
  });

  it('keeps health and the API docs public', async () => {
    await request(h.http).get('/health/live').expect(200);
    await request(h.http).get('/health/ready').expect(200);
    await request(h.http).get('/api/docs-json').expect(200);
  });

  it('stores tokens only as SHA-256 hashes', async () => {
    const project = await h.createProject('hashing');
    const created = await request(h.http)
      .post('/api/v1/identities')
      .auth(h.adminToken, { type: 'bearer' })
      .send({ name: 'hash-check', roles: [{ projectId: project.id, permissions: ALL_PERMISSIONS }] })
      .expect(201);
    const token: string = created.body.token.token;
    expect(token).toMatch(/^rotor_[A-Za-z0-9_-]{43}$/);
    const more = await request(h.http)
      .post(`/api/v1/identities/${created.body.identity.id}/tokens`)
      .auth(h.adminToken, { type: 'bearer' })
      .send({ name: 'second' })
      .expect(201);
    const dump = await dumpTables(h.databaseUrl);
    for (const raw of [h.adminToken, token, more.body.token.token as string]) {
      expect(dump).not.toContain(raw);
      expect(dump).toContain(hashToken(raw));
    }
    // Nor does any answer repeat a token after it was issued.
    const listed = await request(h.http).get('/api/v1/identities').auth(h.adminToken, { type: 'bearer' }).expect(200);
    expect(JSON.stringify(listed.body)).not.toContain(token);
  });
});

describe('authorization', () => {
  let h: Harness;
  let projectId: string;

  beforeAll(async () => {
    h = await startGateway('authz');
    projectId = (await h.createProject('authz')).id;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers 403 naming the permission when the identity can see the project but lacks it', async () => {
    const reader = await h.tokenFor(projectId, ['read']);
    const res = await request(h.http)
      .post('/api/v1/app-connections/redis')
      .auth(reader, { type: 'bearer' })
      .send(connectionRequest(projectId))
      .expect(403);
    expect(res.body.error).toBe('AUTH.PERMISSION_DENIED');
    expect(res.body.message).toContain('"create"');
    expect(h.rotationConfig.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });

  it('lets only admins manage projects and identities', async () => {
    const full = await h.tokenFor(projectId, ALL_PERMISSIONS);
    await request(h.http).post('/api/v1/projects').auth(full, { type: 'bearer' }).send({ name: 'x', slug: 'x' }).expect(403);
    await request(h.http).post('/api/v1/identities').auth(full, { type: 'bearer' }).send({ name: 'x' }).expect(403);
    await request(h.http).get('/api/v1/identities').auth(full, { type: 'bearer' }).expect(403);
    await request(h.http).post(`/api/v1/projects/${projectId}/environments`).auth(full, { type: 'bearer' }).send({ slug: 'qa', name: 'QA' }).expect(403);
  });
});
