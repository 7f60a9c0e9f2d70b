import request from 'supertest';
import type { Permission } from '../src/auth/permissions';
import { ALL_PERMISSIONS, connectionRequest, Harness, Project, sampleRequest, startGateway } from './support/gateway-harness';

interface Endpoint {
  name: string;
  method: 'get' | 'post' | 'patch' | 'delete';
  path: () => string;
  query?: () => Record<string, string>;
  body?: () => object;
  permission: Permission;
}

describe('project isolation and permissions', () => {
  let h: Harness;
  let a: Project;
  let b: Project;
  let connectionId: string;
  let rotationId: string;
  const auth = { type: 'bearer' as const };
  const R = '/api/v2/secret-rotations/redis-credentials';

  beforeAll(async () => {
    h = await startGateway('isolation');
    a = await h.createProject('project-a');
    b = await h.createProject('project-b');
    connectionId = (await request(h.http).post('/api/v1/app-connections/redis').auth(h.adminToken, auth).send(connectionRequest(a.id)).expect(200)).body.appConnection.id;
    rotationId = (await request(h.http).post(R).auth(h.adminToken, auth).send(sampleRequest(a.id, connectionId)).expect(200)).body.secretRotation.id;
  });
  afterAll(async () => {
    await h?.close();
  });

  // Every endpoint that touches a project's resources, aimed at project A.
  const endpoints: Endpoint[] = [
    { name: 'get project', method: 'get', path: () => `/api/v1/projects/${a.id}`, permission: 'read' },
    { name: 'list folders', method: 'get', path: () => `/api/v1/projects/${a.id}/folders`, permission: 'read' },
    { name: 'create connection', method: 'post', path: () => '/api/v1/app-connections/redis', body: () => connectionRequest(a.id, 'another'), permission: 'create' },
    { name: 'list connections', method: 'get', path: () => '/api/v1/app-connections/redis', query: () => ({ projectId: a.id }), permission: 'read' },
    { name: 'get connection', method: 'get', path: () => `/api/v1/app-connections/redis/${connectionId}`, permission: 'read' },
    { name: 'update connection', method: 'patch', path: () => `/api/v1/app-connections/redis/${connectionId}`, body: () => ({ port: 6380 }), permission: 'edit' },
    { name: 'delete connection', method: 'delete', path: () => `/api/v1/app-connections/redis/${connectionId}`, permission: 'delete' },
    { name: 'create rotation', method: 'post', path: () => R, body: () => ({ ...sampleRequest(a.id, connectionId), name: 'second' }), permission: 'create' },
    { name: 'list rotations', method: 'get', path: () => R, query: () => ({ projectId: a.id }), permission: 'read' },
    {
      name: 'get rotation by name',
      method: 'get',
      path: () => `${R}/rotation-name/my-redis-rotation`,
      query: () => ({ projectId: a.id, environment: 'dev', secretPath: '/' }),
      permission: 'read',
    },
    { name: 'get rotation', method: 'get', path: () => `${R}/${rotationId}`, permission: 'read' },
    { name: 'update rotation', method: 'patch', path: () => `${R}/${rotationId}`, body: () => ({ rotationInterval: 3 }), permission: 'edit' },
    { name: 'rotate now', method: 'post', path: () => `${R}/${rotationId}/rotate-secrets`, permission: 'rotate' },
    { name: 'generated credentials', method: 'get', path: () => `${R}/${rotationId}/generated-credentials`, permission: 'read-generated-credentials' },
    { name: 'rotation history', method: 'get', path: () => `${R}/${rotationId}/history`, permission: 'read' },
    { name: 'delete rotation', method: 'delete', path: () => `${R}/${rotationId}`, permission: 'delete' },
    { name: 'list secrets', method: 'get', path: () => '/api/v3/secrets/raw', query: () => ({ projectId: a.id, environment: 'dev' }), permission: 'read-secrets' },
    { name: 'get secret', method: 'get', path: () => '/api/v3/secrets/raw/REDIS_PASSWORD', query: () => ({ projectId: a.id, environment: 'dev' }), permission: 'read-secrets' },
    {
      name: 'create secret',
      method: 'post',
      path: () => '/api/v3/secrets/raw/API_KEY',
      body: () => ({ projectId: a.id, environment: 'dev', secretValue: 'v' }),
      permission: 'create',
    },
    {
      name: 'update secret',
      method: 'patch',
      path: () => '/api/v3/secrets/raw/API_KEY',
      body: () => ({ projectId: a.id, environment: 'dev', secretValue: 'v2' }),
      permission: 'edit',
    },
    { name: 'delete secret', method: 'delete', path: () => '/api/v3/secrets/raw/API_KEY', query: () => ({ projectId: a.id, environment: 'dev' }), permission: 'delete' },
  ];
  // Destructive ones last, so the resources exist for the others.
  const ordered = [...endpoints.filter((e) => e.method !== 'delete'), ...endpoints.filter((e) => e.method === 'delete')];

  function send(e: Endpoint, token: string): request.Test {
    let req = request(h.http)[e.method](e.path()).auth(token, auth);
    if (e.query) req = req.query(e.query());
    if (e.body) req = req.send(e.body());
    return req;
  }

  it.each(ordered.map((e) => [e.name, e] as const))('hides project A from a full token of project B: %s → 404', async (_name, e) => {
    const tokenB = await h.tokenFor(b.id, ALL_PERMISSIONS);
    const writesBefore = [...h.rotationConfig.requests, ...h.secretStore.requests].filter((r) => r.method !== 'GET').length;
    const res = await send(e, tokenB);
    expect(res.status).toBe(404);
    expect(res.body.error).toMatch(/\.NOT_FOUND$/);
    // Nothing was changed on project A's behalf.
    expect([...h.rotationConfig.requests, ...h.secretStore.requests].filter((r) => r.method !== 'GET')).toHaveLength(writesBefore);
  });

  it('answers a foreign id exactly like an id that does not exist', async () => {
    const tokenB = await h.tokenFor(b.id, ALL_PERMISSIONS);
    const foreign = await request(h.http).get(`${R}/${rotationId}`).auth(tokenB, auth).expect(404);
    const missing = await request(h.http).get(`${R}/${rotationId.replace(/.$/, (c) => (c === '0' ? '1' : '0'))}`).auth(tokenB, auth).expect(404);
    expect(foreign.body.error).toBe(missing.body.error);
    expect(foreign.body.message.replace(rotationId, 'ID')).toBe(missing.body.message.replace(/[0-9a-f-]{36}/, 'ID'));
    const foreignConn = await request(h.http).get(`/api/v1/app-connections/redis/${connectionId}`).auth(tokenB, auth).expect(404);
    expect(foreignConn.body.error).toBe('APP_CONNECTION.NOT_FOUND');
  });

  it('lists only the projects an identity has a role in', async () => {
    const tokenB = await h.tokenFor(b.id, ['read']);
    const res = await request(h.http).get('/api/v1/projects').auth(tokenB, auth).expect(200);
    expect(res.body.projects.map((p: { id: string }) => p.id)).toEqual([b.id]);
  });

  it.each(ordered.map((e) => [e.name, e.permission, e] as const))('%s needs "%s": 403 without it, allowed with it', async (_name, permission, e) => {
    const without = await h.tokenFor(a.id, ALL_PERMISSIONS.filter((p) => p !== permission));
    const denied = await send(e, without);
    expect(denied.status).toBe(403);
    expect(denied.body.message).toContain(`"${permission}"`);
    const withOnly = await h.tokenFor(a.id, [permission]);
    const allowed = await send(e, withOnly);
    expect(allowed.status).toBeLessThan(300);
  });

  it('never shows generated credentials to a reader without that permission', async () => {
    const reader = await h.tokenFor(a.id, ['read', 'read-secrets']);
    const conn = await request(h.http).post('/api/v1/app-connections/redis').auth(h.adminToken, auth).send(connectionRequest(a.id, 'gc')).expect(200);
    const created = await request(h.http).post(R).auth(h.adminToken, auth).send({ ...sampleRequest(a.id, conn.body.appConnection.id), name: 'gc' }).expect(200);
    const rotation = created.body.secretRotation;
    const before = h.secretStore.requests.length;
    const res = await request(h.http).get(`${R}/${rotation.id}/generated-credentials`).auth(reader, auth).expect(403);
    expect(JSON.stringify(res.body)).not.toContain('p0');
    expect(h.secretStore.requests).toHaveLength(before);
  });
});
