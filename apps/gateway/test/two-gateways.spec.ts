import { Client } from 'pg';
import request from 'supertest';
import { verifyAuditLog } from '@rotor/audit';
import { waitFor } from '@rotor/testing';
import { ALL_PERMISSIONS, Harness, startGateway } from './support/gateway-harness';

const CACHE_MS = 1500;

/**
 * Two gateway instances on one database, as a scaled deployment runs them. Each reuses a
 * token's identity and roles for GATEWAY_AUTH_CACHE_MS; a change made through one instance
 * drops that instance's cache at once, and the other instance stops honouring the old
 * answer within GATEWAY_AUTH_CACHE_MS — the stated bound.
 */
describe('two gateway instances', () => {
  let a: Harness;
  let b: Harness;

  beforeAll(async () => {
    const env = { GATEWAY_AUTH_CACHE_MS: String(CACHE_MS) };
    a = await startGateway('two_gateways', { env });
    b = await startGateway('two_gateways_b', { env, adminToken: a.adminToken }, a.databaseUrl);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  /** Calls `b` until it refuses; answers when (by the clock at sending) it last accepted. */
  async function lastAcceptedByB(path: string, token: string): Promise<number> {
    let lastAccepted = 0;
    await waitFor(async () => {
      const sentAt = Date.now();
      const res = await request(b.http).get(path).auth(token, { type: 'bearer' });
      if (res.status === 200) lastAccepted = sentAt;
      return res.status !== 200;
    }, { timeoutMs: CACHE_MS * 10, intervalMs: 50, message: `gateway b refusing ${path}` });
    return lastAccepted;
  }

  it('refuses, on the other instance, a token revoked through one within GATEWAY_AUTH_CACHE_MS', async () => {
    const project = await a.createProject('two-gw-revoke');
    const created = await request(a.http).post('/api/v1/identities').auth(a.adminToken, { type: 'bearer' })
      .send({ name: 'scaled-ci', roles: [{ projectId: project.id, permissions: ['read'] }] }).expect(201);
    const { token } = created.body as { token: { id: string; token: string } };
    await request(b.http).get('/api/v1/identities/me').auth(token.token, { type: 'bearer' }).expect(200); // cached on b

    const revokedAt = Date.now();
    await request(a.http).delete(`/api/v1/identities/${created.body.identity.id}/tokens/${token.id}`).auth(a.adminToken, { type: 'bearer' }).expect(200);
    await request(a.http).get('/api/v1/identities/me').auth(token.token, { type: 'bearer' }).expect(401); // at once where it was revoked

    const lastAccepted = await lastAcceptedByB('/api/v1/identities/me', token.token);
    expect(lastAccepted - revokedAt).toBeLessThanOrEqual(CACHE_MS);
    await request(b.http).get('/api/v1/identities/me').auth(token.token, { type: 'bearer' }).expect(401);
  });

  it('stops honouring, on the other instance, a role removed through one within GATEWAY_AUTH_CACHE_MS', async () => {
    const project = await a.createProject('two-gw-role');
    const created = await request(a.http).post('/api/v1/identities').auth(a.adminToken, { type: 'bearer' })
      .send({ name: 'scaled-reader', roles: [{ projectId: project.id, permissions: ['read'] }] }).expect(201);
    const token: string = created.body.token.token;
    const path = `/api/v1/projects/${project.id}`;
    await request(b.http).get(path).auth(token, { type: 'bearer' }).expect(200);

    const changedAt = Date.now();
    await request(a.http).put(`/api/v1/identities/${created.body.identity.id}/roles`).auth(a.adminToken, { type: 'bearer' })
      .send({ roles: [] }).expect(200);

    const lastAccepted = await lastAcceptedByB(path, token);
    expect(lastAccepted - changedAt).toBeLessThanOrEqual(CACHE_MS);
    const refused = await request(b.http).get(path).auth(token, { type: 'bearer' });
    expect(refused.status).toBe(404); // a project the identity has no role in is not there for it
  });

  it('keeps one unbroken audit chain while both instances record into it at once', async () => {
    const project = await a.createProject('two-gw-audit');
    const token = await a.tokenFor(project.id, ALL_PERMISSIONS);
    const read = (h: Harness) => request(h.http).get(`/api/v3/secrets/raw/SHARED?projectId=${project.id}&environment=dev&secretPath=/`).auth(token, { type: 'bearer' });
    // Each instance links records to the head it wrote last; from the second round on, that
    // head is stale for one of them, which must notice and link to the other's records.
    const answers = [];
    for (let round = 0; round < 4; round++) answers.push(...(await Promise.all(Array.from({ length: 16 }, (_, i) => read(i % 2 === 0 ? a : b)))));
    expect(answers.map((r) => r.status)).toEqual(answers.map(() => 200));

    const db = new Client({ connectionString: a.databaseUrl });
    await db.connect();
    try {
      const correlationIds = answers.map((r) => r.headers['x-correlation-id'] as string);
      const recorded = await db.query('SELECT count(*)::int AS n FROM audit_records WHERE correlation_id = ANY($1)', [correlationIds]);
      expect(recorded.rows[0].n).toBe(answers.length);
      expect(await verifyAuditLog(db, { projectId: project.id })).toMatchObject({ ok: true });
    } finally {
      await db.end();
    }
  });
});
