import request from 'supertest';
import { INTERNAL_TOKEN_HEADER } from '@rotor/service-runtime';
import { ExecutorHarness, INTERNAL_TOKEN } from './support/executor-harness';
import { ADMIN_PASSWORD, ADMIN_USER, RedisFleet, type RedisServer } from '@rotor/testing';

jest.setTimeout(30_000);

describe('redis-executor HTTP: connection check, readiness, metrics', () => {
  const fleet = new RedisFleet();
  let h: ExecutorHarness;
  let redis: RedisServer;
  const projectId = 'proj-http';
  const connectionId = 'conn-http';

  beforeAll(async () => {
    [h, redis] = await Promise.all([
      ExecutorHarness.start('http'),
      fleet.start({ users: ['user limited on >limited-pw-93ab ~* +@all -@admin'] }),
    ]);
  }, 120_000);

  afterAll(async () => {
    await h?.stop();
    await fleet.stopAll();
  });

  function body(overrides: { port?: number; username?: string; password?: string; sealedFor?: string } = {}): Record<string, unknown> {
    const password = overrides.password ?? ADMIN_PASSWORD;
    return {
      projectId,
      connectionId,
      host: redis.host,
      port: overrides.port ?? redis.port,
      username: overrides.username ?? ADMIN_USER,
      password: h.cipher.seal(password, { projectId, owner: overrides.sealedFor ?? connectionId, field: 'password' }),
      tls: { enabled: false, caCertificate: null, rejectUnauthorized: true, servername: null },
      topology: { type: 'single' },
    };
  }

  function check(payload: unknown, token: string | null = INTERNAL_TOKEN): request.Test {
    const req = request(h.app.getHttpServer()).post('/internal/connections/check');
    return token === null ? req.send(payload as object) : req.set(INTERNAL_TOKEN_HEADER, token).send(payload as object);
  }

  it('answers 200 when the admin may manage ACL users on every node', async () => {
    await check(body()).expect(200, { status: 'ok' });
  });

  it.each([
    ['a wrong admin password', () => body({ password: 'not-the-password' }), 'CONNECTION.AUTH', 'not-the-password'],
    ['an admin without ACL rights', () => body({ username: 'limited', password: 'limited-pw-93ab' }), 'CONNECTION.PERMISSION', 'limited-pw-93ab'],
    ['a port nothing listens on', () => body({ port: 1 }), 'CONNECTION.UNREACHABLE', ADMIN_PASSWORD],
    ['a password sealed for another connection', () => body({ sealedFor: 'conn-other' }), 'CONNECTION.SEALED_SECRET_UNREADABLE', ADMIN_PASSWORD],
  ])('answers 422 with a stable code for %s, never echoing the password', async (_case, make, code, secret) => {
    const res = await check(make()).expect(422);
    expect(res.body).toMatchObject({ statusCode: 422, error: code });
    expect(res.body.message).toEqual(expect.any(String));
    expect(JSON.stringify(res.body)).not.toContain(secret);
  });

  it('refuses a plaintext password with a 400 naming the field', async () => {
    const res = await check({ ...body(), password: ADMIN_PASSWORD }).expect(400);
    expect(res.body.error).toBe('CONNECTION.INVALID');
    expect(res.body.details).toEqual([expect.objectContaining({ field: 'password' })]);
    expect(JSON.stringify(res.body)).not.toContain(ADMIN_PASSWORD);
  });

  it('refuses callers without the internal token', async () => {
    await check(body(), null).expect(401);
    await check(body(), 'wrong-token').expect(401);
  });

  it('is ready when Postgres and Kafka answer', async () => {
    const res = await request(h.app.getHttpServer()).get('/health/ready').expect(200);
    expect(res.body.checks).toEqual({ postgres: 'up', kafka: 'up' });
  });

  it('counts rotations by outcome and times them', async () => {
    const r = h.rotation(redis);
    const first = r.request(1);
    await h.send(first);
    expect((await h.outcomeOf(first.payload.jobId)).type).toBe('CredentialsRotated');
    const res = await request(h.app.getHttpServer()).get('/metrics').expect(200);
    expect(res.text).toMatch(/^rotations_total\{[^}]*outcome="rotated"[^}]*\} [1-9]/m);
    expect(res.text).toMatch(/^rotation_duration_seconds_count\{[^}]*outcome="rotated"[^}]*\} [1-9]/m);
  });
});
