import request from 'supertest';
import { Harness, startGateway } from './support/gateway-harness';

describe('projects and identities', () => {
  let h: Harness;
  const auth = { type: 'bearer' as const };

  beforeAll(async () => {
    h = await startGateway('projects');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('creates a project with dev, staging and prod unless told otherwise', async () => {
    const res = await request(h.http).post('/api/v1/projects').auth(h.adminToken, auth).send({ name: 'Payments', slug: 'payments' }).expect(201);
    expect(res.body.project.environments.map((e: { slug: string; name: string }) => [e.slug, e.name])).toEqual([
      ['dev', 'Development'],
      ['staging', 'Staging'],
      ['prod', 'Production'],
    ]);
    const custom = await request(h.http)
      .post('/api/v1/projects')
      .auth(h.adminToken, auth)
      .send({ name: 'Edge', slug: 'edge', environments: [{ slug: 'live', name: 'Live' }] })
      .expect(201);
    expect(custom.body.project.environments.map((e: { slug: string }) => e.slug)).toEqual(['live']);
    await request(h.http).post('/api/v1/projects').auth(h.adminToken, auth).send({ name: 'Again', slug: 'payments' }).expect(409);
  });

  it('adds an environment, which then validates as a known slug', async () => {
    const project = await h.createProject('envs');
    const res = await request(h.http).post(`/api/v1/projects/${project.id}/environments`).auth(h.adminToken, auth).send({ slug: 'qa', name: 'QA' }).expect(201);
    expect(res.body.project.environments.map((e: { slug: string }) => e.slug)).toEqual(['dev', 'staging', 'prod', 'qa']);
    await request(h.http).post(`/api/v1/projects/${project.id}/environments`).auth(h.adminToken, auth).send({ slug: 'qa', name: 'QA' }).expect(409);
    await request(h.http).get('/api/v3/secrets/raw').query({ projectId: project.id, environment: 'qa' }).auth(h.adminToken, auth).expect(200);
  });

  it('gives an identity exactly the roles it was created with, and replaces them on request', async () => {
    const one = await h.createProject('roles-one');
    const two = await h.createProject('roles-two');
    const created = await request(h.http)
      .post('/api/v1/identities')
      .auth(h.adminToken, auth)
      .send({ name: 'deployer', roles: [{ projectId: one.id, permissions: ['read', 'rotate'] }] })
      .expect(201);
    const token = created.body.token.token as string;
    expect(created.body.identity.roles).toEqual([{ projectId: one.id, permissions: ['read', 'rotate'] }]);
    expect(created.body.identity.isAdmin).toBe(false);
    await request(h.http).get(`/api/v1/projects/${one.id}`).auth(token, auth).expect(200);
    await request(h.http).get(`/api/v1/projects/${two.id}`).auth(token, auth).expect(404);

    await request(h.http)
      .put(`/api/v1/identities/${created.body.identity.id}/roles`)
      .auth(h.adminToken, auth)
      .send({ roles: [{ projectId: two.id, permissions: ['read'] }] })
      .expect(200);
    await request(h.http).get(`/api/v1/projects/${one.id}`).auth(token, auth).expect(404);
    await request(h.http).get(`/api/v1/projects/${two.id}`).auth(token, auth).expect(200);
  });

  it('deletes an identity and with it its tokens', async () => {
    const project = await h.createProject('deleting');
    const created = await request(h.http)
      .post('/api/v1/identities')
      .auth(h.adminToken, auth)
      .send({ name: 'temp', roles: [{ projectId: project.id, permissions: ['read'] }] })
      .expect(201);
    await request(h.http).delete(`/api/v1/identities/${created.body.identity.id}`).auth(h.adminToken, auth).expect(204);
    await request(h.http).get('/api/v1/identities/me').auth(created.body.token.token, auth).expect(401);
    await request(h.http).get(`/api/v1/identities/${created.body.identity.id}`).auth(h.adminToken, auth).expect(404);
  });

  it('answers 404 for ids that are not UUIDs instead of failing', async () => {
    await request(h.http).get('/api/v1/projects/not-a-uuid').auth(h.adminToken, auth).expect(404);
    await request(h.http).get('/api/v1/identities/not-a-uuid').auth(h.adminToken, auth).expect(404);
    await request(h.http).get('/api/v1/app-connections/redis').query({ projectId: 'not-a-uuid' }).auth(h.adminToken, auth).expect(404);
  });
});
