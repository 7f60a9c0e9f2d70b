import { randomBytes } from 'node:crypto';
import { ADMIN_PASSWORD, ADMIN_USER, RedisFleet, uniqueSuffix, type RedisServer } from '@rotor/testing';
import { Harness, newProjectId } from './harness';
import { CONNECTIONS, ROTATIONS, connectionBody, createConnection, createIssuedRotation } from './fixtures';

jest.setTimeout(60_000);

const h = new Harness('config_connections');
beforeAll(() => h.start(), 60_000);
afterAll(() => h.stop(), 30_000);

const fields = (body: { details: { field: string }[] }) => body.details.map((d) => d.field);

describe('creating a Redis connection', () => {
  it('stores it after a real connection check and never answers the password', async () => {
    const projectId = newProjectId();
    const res = await h.http().post(CONNECTIONS).send(connectionBody(h, projectId, { tls: { enabled: false } }));
    expect(res.status).toBe(200);
    expect(res.body.appConnection).toMatchObject({
      projectId, name: 'my-redis-connection', app: 'redis', host: '127.0.0.1', username: h.admin.username,
      tls: { enabled: false, caCertificate: null, rejectUnauthorized: true, servername: null }, topology: { type: 'single' },
    });
    // The check tells up front whether Rotor's users would survive a restart of the server.
    const aclfile = (await h.redisCall('CONFIG', 'GET', 'aclfile')) as string[];
    expect(res.body.connectionCheck).toEqual(aclfile[1]
      ? { aclPersistence: 'aclfile', configRewriteAvailable: false, message: expect.stringContaining('aclfile') }
      : {
          aclPersistence: 'memory-only', configRewriteAvailable: expect.any(Boolean),
          message: expect.stringMatching(/^ACL users in memory only on 127\.0\.0\.1:\d+ \(no aclfile\)/),
        });
    expect(res.body.appConnection.aclPersistenceMode).toBe('auto');
    const id = res.body.appConnection.id;
    const reads = [res.body, (await h.http().get(`${CONNECTIONS}/${id}`)).body, (await h.http().get(`${CONNECTIONS}?projectId=${projectId}`)).body];
    for (const body of reads) {
      expect(JSON.stringify(body)).not.toContain(h.admin.password);
      expect(JSON.stringify(body)).not.toMatch(/"(password|sentinelPassword|passwordSealed)"/);
    }
    expect(reads[2].appConnections.map((c: { id: string }) => c.id)).toEqual([id]);
  });

  it('answers 422 naming the password when Redis refuses the admin credentials, and stores nothing', async () => {
    const projectId = newProjectId();
    const res = await h.http().post(CONNECTIONS).send(connectionBody(h, projectId, { password: 'not-the-password' }));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ statusCode: 422, error: 'CONNECTION.CHECK_FAILED.AUTH' });
    expect(fields(res.body)).toEqual(['password']);
    expect(res.body.message).not.toContain('not-the-password');
    expect((await h.http().get(`${CONNECTIONS}?projectId=${projectId}`)).body).toEqual({ appConnections: [] });
  });

  it('answers 422 naming the host when no Redis answers there', async () => {
    const res = await h.http().post(CONNECTIONS).send(connectionBody(h, newProjectId(), { port: 1 }));
    expect(res.status).toBe(422);
    expect(res.body.error).toBe('CONNECTION.CHECK_FAILED.UNREACHABLE');
    expect(fields(res.body)).toEqual(['host']);
  });

  it('answers 422 naming the username when the admin may not manage ACL users', async () => {
    const weak = { username: `rotor_test_weak_${uniqueSuffix()}`, password: `W3ak-${randomBytes(12).toString('hex')}` };
    await h.setRedisUser(weak.username, 'on', `>${weak.password}`, '~*', '+@read', '+ping', '+hello', '+auth');
    const res = await h.http().post(CONNECTIONS).send(connectionBody(h, newProjectId(), weak));
    expect(res.status).toBe(422);
    expect(res.body.error).toBe('CONNECTION.CHECK_FAILED.PERMISSION');
    expect(fields(res.body)).toEqual(['username']);
  });

  it('answers 400 naming every malformed or unknown field', async () => {
    const { host: _host, ...withoutHost } = connectionBody(h, newProjectId());
    const res = await h.http().post(CONNECTIONS).send({ ...withoutHost, name: 'Not A Slug', port: 70000, colour: 'blue' });
    expect(res.status).toBe(400);
    expect(fields(res.body).sort()).toEqual(['colour', 'host', 'name', 'port']);
  });

  it('refuses a second connection with the same name in the project, naming the field', async () => {
    const projectId = newProjectId();
    await createConnection(h, projectId);
    const res = await h.http().post(CONNECTIONS).send(connectionBody(h, projectId));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'CONNECTION.NAME_TAKEN', details: [{ field: 'name' }] });
    // Another project may use the name.
    await createConnection(h, newProjectId());
  });
});

describe('updating a Redis connection', () => {
  it('checks new credentials before keeping them, and keeps the old ones when the check fails', async () => {
    const projectId = newProjectId();
    const admin = { username: `rotor_test_admin2_${uniqueSuffix()}`, password: `Adm1n-${randomBytes(12).toString('hex')}` };
    await h.setRedisUser(admin.username, 'on', `>${admin.password}`, '~*', '&*', '+@all');
    const connection = await createConnection(h, projectId, admin);
    const sealed = async () => (await h.query<{ password_sealed: string }>('SELECT password_sealed FROM redis_connections WHERE id = $1', [connection.id]))[0].password_sealed;
    const before = await sealed();

    const wrong = await h.http().patch(`${CONNECTIONS}/${connection.id}`).send({ password: 'wrong-password' });
    expect(wrong.status).toBe(422);
    expect(await sealed()).toBe(before);

    const newPassword = `N3w-${randomBytes(12).toString('hex')}`;
    await h.setRedisUser(admin.username, 'resetpass', `>${newPassword}`);
    const right = await h.http().patch(`${CONNECTIONS}/${connection.id}`).send({ password: newPassword, description: 'rotated admin' });
    expect(right.status).toBe(200);
    expect(right.body.appConnection).toMatchObject({ description: 'rotated admin' });
    expect(await sealed()).not.toBe(before);
    expect(await sealed()).toMatch(/^enc:v1:/);
  });

  it('hides connections of other projects on every route', async () => {
    const connection = await createConnection(h, newProjectId());
    const other = newProjectId();
    await h.http().get(`${CONNECTIONS}/${connection.id}?projectId=${other}`).expect(404);
    await h.http().patch(`${CONNECTIONS}/${connection.id}?projectId=${other}`).send({ description: 'x' }).expect(404);
    await h.http().delete(`${CONNECTIONS}/${connection.id}?projectId=${other}`).expect(404);
    await h.http().get(`${CONNECTIONS}/not-a-uuid`).expect(404);
  });
});

describe('deleting a Redis connection', () => {
  it('answers 409 naming the rotations that use it, and deletes it once they are gone', async () => {
    const projectId = newProjectId();
    const connection = await createConnection(h, projectId);
    const { rotation } = await createIssuedRotation(h, projectId, connection.id);

    const refused = await h.http().delete(`${CONNECTIONS}/${connection.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('CONNECTION.IN_USE');
    expect(refused.body.message).toContain('"my-redis-rotation"');
    expect(refused.body.message).toContain(rotation.id);

    await h.http().delete(`${ROTATIONS}/${rotation.id}`).expect(200);
    const deleted = await h.http().delete(`${CONNECTIONS}/${connection.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.appConnection.id).toBe(connection.id);
    await h.http().get(`${CONNECTIONS}/${connection.id}`).expect(404);
  });
});

describe("a connection's aclPersistenceMode", () => {
  const fleet = new RedisFleet();
  let server: RedisServer;
  const admin = { username: ADMIN_USER, password: ADMIN_PASSWORD };
  // May manage users, never CONFIG or ACL SAVE: as a managed service's admin.
  const managedAdmin = { username: 'managed-admin', password: 'managed-admin-pw' };
  const on = () => ({ host: server.host, port: server.port });

  beforeAll(async () => {
    // No aclfile; started with a config file, where CONFIG REWRITE can write users.
    server = await fleet.start({ users: [`user ${managedAdmin.username} on >${managedAdmin.password} ~* &* +@all -config -acl|save`] });
  });
  afterAll(() => fleet.stopAll());

  it('defaults to auto, and the check offers CONFIG REWRITE where users live in the config file', async () => {
    const res = await h.http().post(CONNECTIONS).send(connectionBody(h, newProjectId(), { ...on(), ...admin }));
    expect(res.status).toBe(200);
    expect(res.body.appConnection.aclPersistenceMode).toBe('auto');
    expect(res.body.connectionCheck).toEqual({ aclPersistence: 'memory-only', configRewriteAvailable: true, message: expect.stringContaining('set aclPersistenceMode to config-rewrite') });
    expect(res.body.connectionCheck.message).toContain(`${server.name} was started with a config file`);
  });

  it('switches to config-rewrite after a check that proves it can, and says so', async () => {
    const connection = await createConnection(h, newProjectId(), { ...on(), ...admin });
    const res = await h.http().patch(`${CONNECTIONS}/${connection.id}`).send({ aclPersistenceMode: 'config-rewrite' });
    expect(res.status).toBe(200);
    expect(res.body.connectionCheck).toEqual({
      aclPersistence: 'config-file', configRewriteAvailable: false,
      message: `Rotor persists its users with CONFIG REWRITE (into the config file) on ${server.name} after each change.`,
    });
    expect((await h.http().get(`${CONNECTIONS}/${connection.id}`)).body.appConnection.aclPersistenceMode).toBe('config-rewrite');
    const [row] = await h.query<{ acl_persistence_mode: string }>('SELECT acl_persistence_mode FROM redis_connections WHERE id = $1', [connection.id]);
    expect(row.acl_persistence_mode).toBe('config-rewrite');
  });

  it('accepts an admin without CONFIG and ACL SAVE only when the connection is managed', async () => {
    const refused = await h.http().post(CONNECTIONS).send(connectionBody(h, newProjectId(), { ...on(), ...managedAdmin }));
    expect(refused.status).toBe(422);
    expect(refused.body.error).toBe('CONNECTION.CHECK_FAILED.PERMISSION');
    expect(refused.body.message).toContain('config|get');

    const res = await h.http().post(CONNECTIONS).send(connectionBody(h, newProjectId(), { ...on(), ...managedAdmin, aclPersistenceMode: 'managed' }));
    expect(res.status).toBe(200);
    expect(res.body.appConnection.aclPersistenceMode).toBe('managed');
    expect(res.body.connectionCheck).toEqual({ aclPersistence: 'managed', configRewriteAvailable: false, message: expect.stringContaining('neither CONFIG nor ACL SAVE') });
    // Neither check ran a command the admin may not run (ACL DRYRUN asks without running; a refused command is logged).
    const log = (await server.withAdmin((c) => c.call('ACL', 'LOG'))) as unknown[][];
    expect(log.filter((e) => e[e.indexOf('username') + 1] === managedAdmin.username)).toEqual([]);
  });

  it('answers 400 naming the field for a value it does not know', async () => {
    const res = await h.http().post(CONNECTIONS).send(connectionBody(h, newProjectId(), { ...on(), ...admin, aclPersistenceMode: 'sometimes' }));
    expect(res.status).toBe(400);
    expect(fields(res.body)).toEqual(['aclPersistenceMode']);
    const connection = await createConnection(h, newProjectId(), { ...on(), ...admin });
    const patch = await h.http().patch(`${CONNECTIONS}/${connection.id}`).send({ aclPersistenceMode: null });
    expect(patch.status).toBe(400);
    expect(fields(patch.body)).toEqual(['aclPersistenceMode']);
  });
});
