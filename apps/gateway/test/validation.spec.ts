import request from 'supertest';
import { connectionRequest, Harness, sampleRequest, startGateway } from './support/gateway-harness';

type Body = Record<string, unknown>;

/** Sets `path` (dotted) in a deep copy of `base`; `undefined` deletes the key. */
function withField(base: Body, path: string, value: unknown): Body {
  const copy = structuredClone(base);
  const keys = path.split('.');
  let node = copy as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = keys[keys.length - 1] as string;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

function fields(res: request.Response): string[] {
  return (res.body.details as { field: string }[]).map((d) => d.field);
}

describe('request validation', () => {
  let h: Harness;
  let projectId: string;
  let connectionId: string;
  let foreignConnectionId: string;
  let rotationId: string;
  const auth = () => ({ type: 'bearer' as const });

  beforeAll(async () => {
    h = await startGateway('validation');
    projectId = (await h.createProject('validation')).id;
    const other = (await h.createProject('validation-other')).id;
    const conn = await request(h.http).post('/api/v1/app-connections/redis').auth(h.adminToken, auth()).send(connectionRequest(projectId)).expect(200);
    connectionId = conn.body.appConnection.id;
    const foreign = await request(h.http).post('/api/v1/app-connections/redis').auth(h.adminToken, auth()).send(connectionRequest(other)).expect(200);
    foreignConnectionId = foreign.body.appConnection.id;
    const rotation = await request(h.http)
      .post('/api/v2/secret-rotations/redis-credentials')
      .auth(h.adminToken, auth())
      .send(sampleRequest(projectId, connectionId))
      .expect(200);
    rotationId = rotation.body.secretRotation.id;
  });
  afterAll(async () => {
    await h?.close();
  });

  describe('POST /api/v2/secret-rotations/redis-credentials', () => {
    const post = (body: unknown) => request(h.http).post('/api/v2/secret-rotations/redis-credentials').auth(h.adminToken, auth()).send(body as object);

    // [rule, field path to change, bad value, field expected in details]
    const cases: [string, string, unknown, string][] = [
      ['name must be a slug', 'name', 'My Rotation', 'name'],
      ['name must not end with a hyphen', 'name', 'rotation-', 'name'],
      ['name is at most 32 characters', 'name', 'a'.repeat(33), 'name'],
      ['name is required', 'name', undefined, 'name'],
      ['description is at most 256 characters', 'description', 'd'.repeat(257), 'description'],
      ['environment must be an environment of the project', 'environment', 'qa', 'environment'],
      ['secretPath must be absolute', 'secretPath', 'app/redis', 'secretPath'],
      ['secretPath must not contain ..', 'secretPath', '/app/../other', 'secretPath'],
      ['secretPath must not contain .', 'secretPath', '/./app', 'secretPath'],
      ['rotationInterval is at least 1', 'rotationInterval', 0, 'rotationInterval'],
      ['rotationInterval is at most 365', 'rotationInterval', 366, 'rotationInterval'],
      ['rotationInterval is whole', 'rotationInterval', 1.5, 'rotationInterval'],
      ['rotationInterval is a number', 'rotationInterval', '2', 'rotationInterval'],
      ['rotateAtUtc.hours is whole (the documented sample sends 11.5)', 'rotateAtUtc.hours', 11.5, 'rotateAtUtc.hours'],
      ['rotateAtUtc.hours is at most 23', 'rotateAtUtc.hours', 24, 'rotateAtUtc.hours'],
      ['rotateAtUtc.hours is at least 0', 'rotateAtUtc.hours', -1, 'rotateAtUtc.hours'],
      ['rotateAtUtc.minutes is whole (the documented sample sends 29.5)', 'rotateAtUtc.minutes', 29.5, 'rotateAtUtc.minutes'],
      ['rotateAtUtc.minutes is at most 59', 'rotateAtUtc.minutes', 60, 'rotateAtUtc.minutes'],
      ['password length is at least 12', 'parameters.passwordRequirements.length', 11, 'parameters.passwordRequirements.length'],
      ['password length is at most 256', 'parameters.passwordRequirements.length', 257, 'parameters.passwordRequirements.length'],
      ['password length is whole', 'parameters.passwordRequirements.length', 64.5, 'parameters.passwordRequirements.length'],
      ['required counts are not negative', 'parameters.passwordRequirements.required.digits', -1, 'parameters.passwordRequirements.required.digits'],
      ['required counts sum to at most length', 'parameters.passwordRequirements.required', { digits: 20, lowercase: 20, uppercase: 20, symbols: 20 }, 'parameters.passwordRequirements.required'],
      ['at least one class is required', 'parameters.passwordRequirements.required', { digits: 0, lowercase: 0, uppercase: 0, symbols: 0 }, 'parameters.passwordRequirements.required'],
      ['allowedSymbols are not letters', 'parameters.passwordRequirements.allowedSymbols', '@a!', 'parameters.passwordRequirements.allowedSymbols'],
      ['allowedSymbols have no whitespace', 'parameters.passwordRequirements.allowedSymbols', '@ !', 'parameters.passwordRequirements.allowedSymbols'],
      ['allowedSymbols are printable', 'parameters.passwordRequirements.allowedSymbols', '@\u00e9', 'parameters.passwordRequirements.allowedSymbols'],
      ['permissionScope refuses password rules', 'parameters.permissionScope', '~* +@all >hunter2', 'parameters.permissionScope'],
      ['permissionScope refuses state rules', 'parameters.permissionScope', 'on ~* +@all', 'parameters.permissionScope'],
      ['permissionScope refuses unknown categories', 'parameters.permissionScope', '~* +@nosuch', 'parameters.permissionScope'],
      ['secretsMapping.username is a valid secret name', 'secretsMapping.username', '1REDIS', 'secretsMapping.username'],
      ['secretsMapping.password is a valid secret name', 'secretsMapping.password', 'REDIS-PASSWORD', 'secretsMapping.password'],
      ['secretsMapping names are distinct', 'secretsMapping.password', 'REDIS_USERNAME', 'secretsMapping.password'],
      ['secretsMapping is required', 'secretsMapping', undefined, 'secretsMapping'],
      ['isAutoRotationEnabled is a boolean', 'isAutoRotationEnabled', 'yes', 'isAutoRotationEnabled'],
      ['unknown top-level fields are refused', 'rotationSchedule', 'daily', 'rotationSchedule'],
      ['unknown nested fields are refused', 'rotateAtUtc.seconds', 0, 'rotateAtUtc.seconds'],
      ['unknown parameters are refused', 'parameters.passwordRequirements.maxRepeat', 2, 'parameters.passwordRequirements.maxRepeat'],
    ];

    it.each(cases)('rejects: %s', async (_rule, path, value, field) => {
      const before = h.rotationConfig.requests.filter((r) => r.method === 'POST').length;
      const res = await post(withField(sampleRequest(projectId, connectionId), path, value)).expect(400);
      expect(res.body.error).toBe('REQUEST.VALIDATION_FAILED');
      expect(fields(res)).toContain(field);
      expect(res.body.message).toContain(field);
      // Nothing reaches rotation-config when the request is invalid.
      expect(h.rotationConfig.requests.filter((r) => r.method === 'POST')).toHaveLength(before);
    });

    it('rejects a connection of another project like a missing one, naming connectionId', async () => {
      for (const id of [foreignConnectionId, 'no-such-connection']) {
        const res = await post({ ...sampleRequest(projectId, connectionId), connectionId: id }).expect(400);
        expect(res.body.details).toEqual([{ field: 'connectionId', message: 'must be the id of a Redis connection in this project' }]);
      }
    });

    it("rejects the documented sample's own times, naming both fields", async () => {
      const res = await post({ ...sampleRequest(projectId, connectionId), rotateAtUtc: { hours: 11.5, minutes: 29.5 } }).expect(400);
      expect(res.body.details).toEqual([
        { field: 'rotateAtUtc.hours', message: 'must be a whole number from 0 to 23' },
        { field: 'rotateAtUtc.minutes', message: 'must be a whole number from 0 to 59' },
      ]);
    });

    it('names every bad field in one answer', async () => {
      const res = await post({
        ...sampleRequest(projectId, connectionId),
        name: 'Bad Name',
        environment: 'qa',
        secretPath: 'relative',
        rotationInterval: 0,
        rotateAtUtc: { hours: 24, minutes: 60 },
        secretsMapping: { username: 'SAME', password: 'SAME' },
        extra: true,
      }).expect(400);
      expect(fields(res).sort()).toEqual(
        ['environment', 'extra', 'name', 'rotateAtUtc.hours', 'rotateAtUtc.minutes', 'rotationInterval', 'secretPath', 'secretsMapping.password'].sort(),
      );
    });

    it('answers malformed JSON with 400 naming the body', async () => {
      const res = await request(h.http)
        .post('/api/v2/secret-rotations/redis-credentials')
        .auth(h.adminToken, auth())
        .set('content-type', 'application/json')
        .send('{"name": my-redis-rotation",')
        .expect(400);
      expect(res.body).toMatchObject({ error: 'REQUEST.MALFORMED_JSON', details: [{ field: 'body' }] });
    });

    it.each([
      ['a JSON body in a charset other than UTF-8', 'application/json; charset=latin1', '{"name":"x"}', 415, 'REQUEST.UNSUPPORTED_MEDIA_TYPE', 'body'],
      ['a form body', 'application/x-www-form-urlencoded', 'name=x', 415, 'REQUEST.UNSUPPORTED_MEDIA_TYPE', 'content-type'],
      ['a text body', 'text/plain', '{"name":"x"}', 415, 'REQUEST.UNSUPPORTED_MEDIA_TYPE', 'content-type'],
      ['a body over the limit', 'application/json', JSON.stringify({ name: 'x'.repeat(200_000) }), 413, 'REQUEST.TOO_LARGE', 'body'],
    ])('answers %s with %s and the error shape', async (_what, contentType, body, status, code, field) => {
      const res = await request(h.http)
        .post('/api/v2/secret-rotations/redis-credentials')
        .auth(h.adminToken, auth())
        .set('content-type', contentType as string)
        .send(body as string)
        .expect(status as number);
      expect(res.body).toEqual({ statusCode: status, error: code, message: expect.any(String), details: [{ field, message: expect.any(String) }] });
    });

    it('takes a JSON body with a +json media type and UTF-8 named', async () => {
      const res = await request(h.http)
        .post('/api/v2/secret-rotations/redis-credentials')
        .auth(h.adminToken, auth())
        .set('content-type', 'application/json; charset=UTF-8')
        .send('[1,2]')
        .expect(400);
      expect(fields(res)).toContain('body');
    });

    it('answers a body that is not an object with 400', async () => {
      const res = await request(h.http)
        .post('/api/v2/secret-rotations/redis-credentials')
        .auth(h.adminToken, auth())
        .set('content-type', 'application/json')
        .send('[1,2]')
        .expect(400);
      expect(fields(res)).toContain('body');
    });

    it('names projectId when it is missing', async () => {
      const res = await post(withField(sampleRequest(projectId, connectionId), 'projectId', undefined)).expect(400);
      expect(fields(res)).toContain('projectId');
    });
  });

  describe('PATCH /api/v2/secret-rotations/redis-credentials/:id', () => {
    const patch = (body: unknown) =>
      request(h.http).patch(`/api/v2/secret-rotations/redis-credentials/${rotationId}`).auth(h.adminToken, auth()).send(body as object);

    it.each([
      ['rotateAtUtc.hours', { rotateAtUtc: { hours: 11.5, minutes: 0 } }],
      ['rotationInterval', { rotationInterval: 400 }],
      ['name', { name: 'NOT A SLUG' }],
      ['description', { description: 'x'.repeat(300) }],
      ['parameters.passwordRequirements.length', { parameters: { passwordRequirements: { length: 8, required: { digits: 1, lowercase: 1, uppercase: 1, symbols: 0 }, allowedSymbols: '' } } }],
      ['parameters.permissionScope', { parameters: { permissionScope: 'nopass' } }],
      ['secretsMapping.password', { secretsMapping: { username: 'A', password: 'A' } }],
      ['environment', { environment: 'prod' }],
      ['secretPath', { secretPath: '/elsewhere' }],
      ['body', {}],
    ])('rejects a bad %s', async (field, body) => {
      const res = await patch(body).expect(400);
      expect(fields(res)).toContain(field);
      expect(h.rotationConfig.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
    });
  });

  describe('query strings', () => {
    it.each([
      ['GET', '/api/v2/secret-rotations/redis-credentials', 'projectId'],
      ['GET', '/api/v1/app-connections/redis', 'projectId'],
      ['GET', '/api/v3/secrets/raw', 'projectId'],
    ])('%s %s requires %s', async (_m, path, field) => {
      const res = await request(h.http).get(path).auth(h.adminToken, auth()).expect(400);
      expect(fields(res)).toContain(field);
    });

    it('refuses unknown query parameters', async () => {
      const res = await request(h.http)
        .get('/api/v2/secret-rotations/redis-credentials')
        .query({ projectId, page: 2 })
        .auth(h.adminToken, auth())
        .expect(400);
      expect(fields(res)).toEqual(['page']);
    });

    it('checks the rotation-name lookup: environment, secretPath and name', async () => {
      const res = await request(h.http)
        .get('/api/v2/secret-rotations/redis-credentials/rotation-name/Not_A_Slug')
        .query({ projectId, environment: 'qa', secretPath: '/../x' })
        .auth(h.adminToken, auth())
        .expect(400);
      expect(fields(res).sort()).toEqual(['environment', 'name', 'secretPath']);
    });

    it('reads delete flags as true or false only', async () => {
      const res = await request(h.http)
        .delete(`/api/v2/secret-rotations/redis-credentials/${rotationId}`)
        .query({ deleteSecrets: 'yes', revokeGeneratedCredentials: '1' })
        .auth(h.adminToken, auth())
        .expect(400);
      expect(fields(res).sort()).toEqual(['deleteSecrets', 'revokeGeneratedCredentials']);
      expect(h.rotationConfig.requests.filter((r) => r.method === 'DELETE')).toHaveLength(0);
    });

    it('refuses a body on rotate-secrets', async () => {
      const res = await request(h.http)
        .post(`/api/v2/secret-rotations/redis-credentials/${rotationId}/rotate-secrets`)
        .auth(h.adminToken, auth())
        .send({ force: true })
        .expect(400);
      expect(fields(res)).toEqual(['force']);
    });
  });

  describe('Redis connections', () => {
    const post = (body: unknown) => request(h.http).post('/api/v1/app-connections/redis').auth(h.adminToken, auth()).send(body as object);

    it.each([
      ['name', { name: 'Redis Prod' }],
      ['host', { host: 'redis://cache:6379' }],
      ['port', { port: 0 }],
      ['port', { port: 65536 }],
      ['port', { port: '6379' }],
      ['username', { username: 'has space' }],
      ['password', { password: undefined }],
      ['password', { password: '' }],
      ['tls.caCertificate', { tls: { enabled: true, caCertificate: 'not a pem' } }],
      ['tls.rejectUnauthorized', { tls: { enabled: true, rejectUnauthorized: 'no' } }],
      ['tls.enabled', { tls: {} }],
      ['topology.type', { topology: { type: 'ring' } }],
      ['topology.masterName', { topology: { type: 'sentinel', sentinels: [{ host: 'a', port: 26379 }] } }],
      ['topology.sentinels', { topology: { type: 'sentinel', masterName: 'm', sentinels: [] } }],
      ['topology.replicas[1].port', { topology: { type: 'replicas', replicas: [{ host: 'a', port: 1 }, { host: 'b', port: 0 }] } }],
      ['topology.shards', { topology: { type: 'cluster', shards: 3 } }],
      ['aclPersistenceMode', { aclPersistenceMode: 'sometimes' }],
      ['aclPersistenceMode', { aclPersistenceMode: null }],
      ['hosts', { hosts: ['a'] }],
    ])('rejects a bad %s', async (field, patch) => {
      const body = { ...connectionRequest(projectId, 'conn-bad'), ...patch } as Body;
      for (const [k, v] of Object.entries(patch)) if (v === undefined) delete body[k];
      const res = await post(body).expect(400);
      expect(fields(res)).toContain(field);
    });

    it('never echoes a password in a validation message', async () => {
      const res = await post({ ...connectionRequest(projectId), password: 12345678901234, port: 'x' }).expect(400);
      expect(JSON.stringify(res.body)).not.toContain('12345678901234');
    });

    it('rejects an unknown aclPersistenceMode in an update, naming it', async () => {
      const res = await request(h.http).patch(`/api/v1/app-connections/redis/${connectionId}`).auth(h.adminToken, auth()).send({ aclPersistenceMode: 'never' }).expect(400);
      expect(fields(res)).toEqual(['aclPersistenceMode']);
    });

    it('rejects an empty update', async () => {
      const res = await request(h.http).patch(`/api/v1/app-connections/redis/${connectionId}`).auth(h.adminToken, auth()).send({}).expect(400);
      expect(fields(res)).toEqual(['body']);
    });

    it('does not let an update move a connection to another project', async () => {
      const res = await request(h.http)
        .patch(`/api/v1/app-connections/redis/${connectionId}`)
        .auth(h.adminToken, auth())
        .send({ projectId: 'other' })
        .expect(400);
      expect(fields(res)).toEqual(['projectId']);
    });
  });

  describe('secrets', () => {
    it.each([
      ['secretName', 'GET', '/api/v3/secrets/raw/BAD-NAME', { environment: 'dev' }],
      ['secretPath', 'GET', '/api/v3/secrets/raw', { environment: 'dev', secretPath: '/a/../b' }],
      ['environment', 'GET', '/api/v3/secrets/raw', { environment: 'qa' }],
      ['environment', 'GET', '/api/v3/secrets/raw', {}],
      ['version', 'GET', '/api/v3/secrets/raw/DB_URL', { environment: 'dev', version: '0' }],
      ['version', 'GET', '/api/v3/secrets/raw/DB_URL', { environment: 'dev', version: 'latest' }],
      ['secretName', 'DELETE', '/api/v3/secrets/raw/1X', { environment: 'dev' }],
    ])('rejects a bad %s (%s %s)', async (field, method, path, query) => {
      const agent = method === 'GET' ? request(h.http).get(path) : request(h.http).delete(path);
      const res = await agent.query({ projectId, ...query }).auth(h.adminToken, auth()).expect(400);
      expect(fields(res)).toContain(field);
    });

    it.each([
      ['secretValue', { environment: 'dev' }],
      ['secretValue', { environment: 'dev', secretValue: 42 }],
      ['environment', { environment: 'nope', secretValue: 'v' }],
      ['comment', { environment: 'dev', secretValue: 'v', comment: 'x' }],
    ])('rejects a create with a bad %s', async (field, body) => {
      const res = await request(h.http)
        .post('/api/v3/secrets/raw/DB_URL')
        .auth(h.adminToken, auth())
        .send({ projectId, ...body })
        .expect(400);
      expect(fields(res)).toContain(field);
      expect(h.secretStore.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
    });
  });

  describe('projects and identities', () => {
    it('names bad project and identity fields', async () => {
      const project = await request(h.http)
        .post('/api/v1/projects')
        .auth(h.adminToken, auth())
        .send({ name: '', slug: 'Bad Slug', environments: [{ slug: 'dev', name: 'D' }, { slug: 'dev', name: 'D2' }] })
        .expect(400);
      expect(fields(project).sort()).toEqual(['environments[1].slug', 'name', 'slug']);
      const identity = await request(h.http)
        .post('/api/v1/identities')
        .auth(h.adminToken, auth())
        .send({ name: 'x', roles: [{ projectId, permissions: ['read', 'fly'] }, { projectId: 'nope', permissions: [] }] })
        .expect(400);
      expect(fields(identity)).toEqual(['roles[0].permissions[1]']);
      const unknownProject = await request(h.http)
        .post('/api/v1/identities')
        .auth(h.adminToken, auth())
        .send({ name: 'x', roles: [{ projectId: 'nope', permissions: [] }] })
        .expect(400);
      expect(fields(unknownProject)).toEqual(['roles[0].projectId']);
    });
  });
});
