import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { AuditRecord, verifyAuditLog } from '@rotor/audit';
import { actionOf, isNamedRoute } from '../src/audit/audit-actions';
import { ALL_PERMISSIONS, Harness, Project, connectionRequest, dumpTables, sampleRequest, startGateway } from './support/gateway-harness';
import { ROUTES } from './support/routes';

interface Sent {
  status: number;
  correlationId: string;
  body: unknown;
}

/** Credentials this spec hands to the gateway; none may appear in the audit log. */
const SECRET_VALUE = `audit-secret-value-${randomBytes(8).toString('hex')}`;
const NEW_SECRET_VALUE = `audit-new-secret-value-${randomBytes(8).toString('hex')}`;
const CONNECTION_PASSWORD = `audit-connection-password-${randomBytes(8).toString('hex')}`;

describe('audit log', () => {
  let h: Harness;
  let db: Client;
  let project: Project;
  let other: Project;
  const tokens: string[] = [];

  beforeAll(async () => {
    h = await startGateway('audit');
    db = new Client({ connectionString: h.databaseUrl });
    await db.connect();
    project = await h.createProject(`audit-${randomBytes(3).toString('hex')}`);
    other = await h.createProject(`other-${randomBytes(3).toString('hex')}`);
    tokens.push(h.adminToken);
  }, 60_000);
  afterAll(async () => {
    await db?.end();
    await h?.close();
  });

  async function send(method: 'get' | 'post' | 'patch' | 'put' | 'delete', path: string, token: string | null, body?: unknown): Promise<Sent> {
    let req = request(h.http)[method](path).set('user-agent', 'audit-spec/1.0');
    if (token) req = req.auth(token, { type: 'bearer' });
    const res = body === undefined ? await req : await req.send(body as object);
    const correlationId = res.headers['x-correlation-id'] as string;
    expect(correlationId).toMatch(/^[0-9a-f-]{36}$/);
    return { status: res.status, correlationId, body: res.body };
  }

  /** The one record of a request (fails when there are none or several). */
  async function recordOf(sent: Sent): Promise<AuditRecord> {
    const res = await request(h.http).get('/api/v1/audit-logs').query({ limit: 500 }).auth(h.adminToken, { type: 'bearer' }).expect(200);
    const mine = (res.body.auditLogs as AuditRecord[]).filter((r) => r.correlationId === sent.correlationId);
    const rows = await db.query('SELECT id FROM audit_records WHERE correlation_id = $1', [sent.correlationId]);
    expect(rows.rowCount).toBe(1);
    expect(mine).toHaveLength(1);
    return mine[0] as AuditRecord;
  }

  async function tokenWith(projectId: string, permissions = ALL_PERMISSIONS): Promise<{ token: string; id: string; name: string }> {
    const name = `auditor-${randomBytes(3).toString('hex')}`;
    const res = await request(h.http).post('/api/v1/identities').auth(h.adminToken, { type: 'bearer' })
      .send({ name, roles: [{ projectId, permissions }] }).expect(201);
    tokens.push(res.body.token.token);
    return { token: res.body.token.token, id: res.body.identity.id, name };
  }

  it('records each kind of action once, with its actor, project, target and outcome', async () => {
    const me = await tokenWith(project.id);
    const actor = { type: 'identity', identityId: me.id, identityName: me.name };
    const env = project.environments[0]?.slug as string;

    const conn = await send('post', '/api/v1/app-connections/redis', me.token, { ...connectionRequest(project.id), password: CONNECTION_PASSWORD });
    expect(conn.status).toBe(200);
    const connectionId = (conn.body as { appConnection: { id: string } }).appConnection.id;
    const rotation = await send('post', '/api/v2/secret-rotations/redis-credentials', me.token, { ...sampleRequest(project.id, connectionId), environment: env });
    expect(rotation.status).toBe(200);
    const rotationId = (rotation.body as { secretRotation: { id: string } }).secretRotation.id;
    const R = `/api/v2/secret-rotations/redis-credentials/${rotationId}`;
    const where = `projectId=${project.id}&environment=${env}&secretPath=/app`;

    const cases: [Sent, string, { type: string; id: string | null }, number][] = [
      [conn, 'app-connection.create', { type: 'app-connection', id: connectionId }, 200],
      [await send('get', `/api/v1/app-connections/redis/${connectionId}`, me.token), 'app-connection.read', { type: 'app-connection', id: connectionId }, 200],
      [await send('patch', `/api/v1/app-connections/redis/${connectionId}`, me.token, { password: CONNECTION_PASSWORD }), 'app-connection.update', { type: 'app-connection', id: connectionId }, 200],
      [rotation, 'secret-rotation.create', { type: 'secret-rotation', id: rotationId }, 200],
      [await send('get', `/api/v2/secret-rotations/redis-credentials?projectId=${project.id}`, me.token), 'secret-rotation.list', { type: 'secret-rotation', id: null }, 200],
      [await send('patch', R, me.token, { description: 'changed' }), 'secret-rotation.update', { type: 'secret-rotation', id: rotationId }, 200],
      [await send('post', `${R}/rotate-secrets`, me.token, {}), 'secret-rotation.rotate', { type: 'secret-rotation', id: rotationId }, 200],
      [await send('get', `${R}/generated-credentials`, me.token), 'secret-rotation.read-generated-credentials', { type: 'secret-rotation', id: rotationId }, 200],
      [await send('get', `${R}/history`, me.token), 'secret-rotation.read-history', { type: 'secret-rotation', id: rotationId }, 200],
      [await send('post', '/api/v3/secrets/raw/API_KEY', me.token, { projectId: project.id, environment: env, secretPath: '/app', secretValue: SECRET_VALUE }), 'secret.create', { type: 'secret', id: `${env}:/app/API_KEY` }, 200],
      [await send('get', `/api/v3/secrets/raw/API_KEY?${where}`, me.token), 'secret.read', { type: 'secret', id: `${env}:/app/API_KEY` }, 200],
      [await send('get', `/api/v3/secrets/raw?${where}`, me.token), 'secret.list', { type: 'secret', id: null }, 200],
      [await send('patch', '/api/v3/secrets/raw/API_KEY', me.token, { projectId: project.id, environment: env, secretPath: '/app', secretValue: NEW_SECRET_VALUE }), 'secret.update', { type: 'secret', id: `${env}:/app/API_KEY` }, 200],
      [await send('delete', `/api/v3/secrets/raw/API_KEY?${where}`, me.token), 'secret.delete', { type: 'secret', id: `${env}:/app/API_KEY` }, 200],
      [await send('delete', `${R}?deleteSecrets=true`, me.token), 'secret-rotation.delete', { type: 'secret-rotation', id: rotationId }, 200],
      [await send('delete', `/api/v1/app-connections/redis/${connectionId}`, me.token), 'app-connection.delete', { type: 'app-connection', id: connectionId }, 200],
      [await send('get', `/api/v1/projects/${project.id}`, me.token), 'project.read', { type: 'project', id: project.id }, 200],
    ];
    for (const [sent, action, target, status] of cases) {
      expect(sent.status).toBe(status);
      const record = await recordOf(sent);
      expect(record).toMatchObject({
        action,
        target,
        projectId: project.id,
        chain: project.id,
        actor: { ...actor, tokenId: expect.any(String) },
        outcome: { result: 'success', statusCode: status, errorCode: null },
        source: { userAgent: 'audit-spec/1.0' },
      });
      expect(record.source.ip).toBeTruthy();
    }
  });

  it("records the gateway's own changes (identities, tokens, roles, projects) in the same transaction, once", async () => {
    const created = await send('post', '/api/v1/identities', h.adminToken, { name: `made-${randomBytes(3).toString('hex')}`, roles: [] });
    expect(created.status).toBe(201);
    const identityId = (created.body as { identity: { id: string } }).identity.id;
    tokens.push((created.body as { token: { token: string } }).token.token);
    const issued = await send('post', `/api/v1/identities/${identityId}/tokens`, h.adminToken, { name: 'second' });
    const tokenId = (issued.body as { token: { id: string; token: string } }).token.id;
    tokens.push((issued.body as { token: { token: string } }).token.token);
    const roles = await send('put', `/api/v1/identities/${identityId}/roles`, h.adminToken, { roles: [{ projectId: project.id, permissions: ['read'] }] });
    const revoked = await send('delete', `/api/v1/identities/${identityId}/tokens/${tokenId}`, h.adminToken);
    const projectCreated = await send('post', '/api/v1/projects', h.adminToken, { name: 'made', slug: `made-${randomBytes(3).toString('hex')}` });
    const deleted = await send('delete', `/api/v1/identities/${identityId}`, h.adminToken);

    const expectations: [Sent, string, string, string | null, number][] = [
      [created, 'identity.create', 'identity', identityId, 201],
      [issued, 'token.create', 'token', tokenId, 201],
      [roles, 'identity.set-roles', 'identity', identityId, 200],
      [revoked, 'token.revoke', 'token', tokenId, 200],
      [projectCreated, 'project.create', 'project', (projectCreated.body as { project: { id: string } }).project.id, 201],
      [deleted, 'identity.delete', 'identity', identityId, 204],
    ];
    for (const [sent, action, type, id, status] of expectations) {
      expect(sent.status).toBe(status);
      expect(await recordOf(sent)).toMatchObject({ action, target: { type, id }, chain: 'global', outcome: { result: 'success', statusCode: status } });
    }
  });

  it('records refused attempts: no token, an unknown token, a revoked token (by its id), a missing permission', async () => {
    const none = await send('get', '/api/v1/identities', null);
    expect(await recordOf(none)).toMatchObject({ actor: { type: 'anonymous', identityId: null, tokenId: null }, outcome: { result: 'denied', statusCode: 401, errorCode: 'AUTH.UNAUTHENTICATED' } });
    const unknown = await send('get', '/api/v1/identities', `rotor_${randomBytes(32).toString('base64url')}`);
    expect(await recordOf(unknown)).toMatchObject({ actor: { type: 'anonymous', tokenId: null }, outcome: { statusCode: 401 } });

    const victim = await tokenWith(project.id, ['read']);
    const tokenId = (await db.query('SELECT id FROM identity_tokens WHERE identity_id = $1', [victim.id])).rows[0].id as string;
    await request(h.http).delete(`/api/v1/identities/${victim.id}/tokens/${tokenId}`).auth(h.adminToken, { type: 'bearer' }).expect(200);
    const revoked = await send('get', `/api/v1/projects/${project.id}`, victim.token);
    expect(await recordOf(revoked)).toMatchObject({ actor: { type: 'anonymous', identityId: null, tokenId }, outcome: { result: 'denied', statusCode: 401 } });

    const reader = await tokenWith(project.id, ['read']);
    const forbidden = await send('get', `/api/v3/secrets/raw/API_KEY?projectId=${project.id}&environment=dev&secretPath=/`, reader.token);
    expect(await recordOf(forbidden)).toMatchObject({
      actor: { identityId: reader.id }, projectId: project.id, action: 'secret.read',
      outcome: { result: 'denied', statusCode: 403, errorCode: 'AUTH.PERMISSION_DENIED' },
    });
  });

  it("records a cross-project attempt as denied, in the chain of the project it aimed at", async () => {
    const outsider = await tokenWith(other.id);
    const connection = await request(h.http).post('/api/v1/app-connections/redis').auth(h.adminToken, { type: 'bearer' }).send(connectionRequest(project.id, 'target')).expect(200);
    const id = connection.body.appConnection.id as string;
    const attempt = await send('get', `/api/v1/app-connections/redis/${id}`, outsider.token);
    expect(attempt.status).toBe(404);
    expect(await recordOf(attempt)).toMatchObject({
      actor: { identityId: outsider.id }, projectId: project.id, chain: project.id, action: 'app-connection.read',
      target: { type: 'app-connection', id }, outcome: { result: 'denied', statusCode: 404 },
    });
    const missing = await send('get', '/api/v1/app-connections/redis/does-not-exist', outsider.token);
    expect(await recordOf(missing)).toMatchObject({ projectId: null, chain: 'global', outcome: { result: 'failed', statusCode: 404 } });
  });

  it('records a forwarded request whose service failed, with the 503 the client got', async () => {
    const me = await tokenWith(project.id);
    const mark = h.secretStore.routeCount;
    h.secretStore.on('GET', /^\/internal\/secrets\/raw\/SLOW$/, () => ({ status: 200, body: {}, delayMs: 3_000 }));
    h.secretStore.on('GET', /^\/internal\/secrets\/raw\/BROKEN$/, () => ({ status: 500, body: 'boom' }));
    try {
      const slow = await send('get', `/api/v3/secrets/raw/SLOW?projectId=${project.id}&environment=dev&secretPath=/`, me.token);
      const broken = await send('get', `/api/v3/secrets/raw/BROKEN?projectId=${project.id}&environment=dev&secretPath=/`, me.token);
      for (const sent of [slow, broken]) {
        expect(sent.status).toBe(503);
        expect(await recordOf(sent)).toMatchObject({ action: 'secret.read', outcome: { result: 'error', statusCode: 503, errorCode: 'UPSTREAM.SECRET_STORE_UNAVAILABLE' } });
      }
    } finally {
      h.secretStore.resetTo(mark);
    }
  });

  it('sends the correlation id and the actor to the service, so the events it causes carry them', async () => {
    const me = await tokenWith(project.id);
    const sent = await send('get', `/api/v2/secret-rotations/redis-credentials?projectId=${project.id}`, me.token);
    const upstream = h.rotationConfig.last('GET', '/internal/secret-rotations/redis-credentials');
    expect(upstream?.headers['x-correlation-id']).toBe(sent.correlationId);
    const actor = JSON.parse(Buffer.from(upstream?.headers['x-rotor-actor'] as string, 'base64url').toString('utf8'));
    expect(actor).toEqual({ type: 'identity', id: me.id, name: me.name, tokenId: expect.any(String) });
    expect(JSON.stringify(actor)).not.toContain(me.token);
  });

  it('records a request whose path carries U+0000 (which Postgres text refuses), and answers it, alone or in a burst', async () => {
    const sent = await Promise.all(Array.from({ length: 8 }, (_, i) =>
      send(i % 2 ? 'get' : 'put', i % 2 ? `/api/v1/identities/a%00${i}` : '/api/v1/identities/%00/roles', h.adminToken, i % 2 ? undefined : { roles: [] })));
    for (const s of sent) expect(s.status).toBeLessThan(500);
    const record = await recordOf(sent[0] as Sent);
    expect(record.target?.id).toBe('\uFFFD');
    const verified = await request(h.http).get('/api/v1/audit-logs/verify').auth(h.adminToken, { type: 'bearer' }).expect(200);
    expect(verified.body.ok).toBe(true);
  });

  it('audits every route, including any added later, under an action name', async () => {
    for (const [method, path] of ROUTES) {
      const sent = await send(method.toLowerCase() as 'get', path, null);
      expect(sent.status).toBe(401);
      const record = await recordOf(sent);
      expect(record.action).toMatch(/^[a-z-]+(\.[a-z-]+)+$/);
    }
    // Routes the README names; one added later still gets a derived name (e.g. webhooks.create).
    expect(ROUTES.filter(([m, p]) => !isNamedRoute(m, routePattern(p)))).toEqual([]);
    expect(actionOf('POST', '/api/v1/projects/:projectId/webhooks')).toBe('projects.webhooks.create');
    expect(actionOf('DELETE', '/api/v1/projects/:projectId/webhooks/:webhookId')).toBe('projects.webhooks.delete');
  });

  it('pages newest first with a cursor, filters, and exports the same records as NDJSON', async () => {
    const me = await tokenWith(project.id);
    for (let i = 0; i < 3; i++) await send('get', `/api/v1/projects/${project.id}`, me.token);
    const filter = { actorId: me.id, action: 'project.read' };
    const first = await request(h.http).get('/api/v1/audit-logs').query({ ...filter, limit: 2 }).auth(h.adminToken, { type: 'bearer' }).expect(200);
    expect(first.body.auditLogs).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await request(h.http).get('/api/v1/audit-logs').query({ ...filter, limit: 2, cursor: first.body.nextCursor }).auth(h.adminToken, { type: 'bearer' }).expect(200);
    expect(second.body.auditLogs).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
    const paged = [...first.body.auditLogs, ...second.body.auditLogs] as AuditRecord[];
    expect(paged.map((r) => r.occurredAt)).toEqual([...paged.map((r) => r.occurredAt)].sort().reverse());

    const exported = await request(h.http).get('/api/v1/audit-logs/export').query(filter).set('accept', 'application/x-ndjson').auth(h.adminToken, { type: 'bearer' })
      .buffer(true).parse((res, cb) => { let text = ''; res.on('data', (c: Buffer) => (text += c.toString())); res.on('end', () => cb(null, text)); }).expect(200);
    expect(exported.headers['content-type']).toContain('application/x-ndjson');
    const lines = (exported.body as string).trim().split('\n').map((l) => JSON.parse(l) as AuditRecord);
    expect(lines).toEqual([...paged].reverse());

    const future = await request(h.http).get('/api/v1/audit-logs').query({ ...filter, from: '2999-01-01T00:00:00Z' }).auth(h.adminToken, { type: 'bearer' }).expect(200);
    expect(future.body.auditLogs).toEqual([]);
    const bad = await request(h.http).get('/api/v1/audit-logs').query({ from: 'yesterday' }).auth(h.adminToken, { type: 'bearer' }).expect(400);
    expect(JSON.stringify(bad.body.details)).toContain('from');
    const notAdmin = await send('get', '/api/v1/audit-logs', me.token);
    expect(notAdmin.status).toBe(403);
  });

  it('keeps one unbroken chain, one record per read, under a burst of concurrent reads', async () => {
    const me = await tokenWith(other.id);
    const burst = await Promise.all(
      Array.from({ length: 40 }, () => send('get', `/api/v3/secrets/raw/BURST?projectId=${other.id}&environment=dev&secretPath=/`, me.token)),
    );
    expect(burst.every((b) => b.status === 200)).toBe(true);
    const rows = await db.query('SELECT correlation_id FROM audit_records WHERE correlation_id = ANY($1)', [burst.map((b) => b.correlationId)]);
    expect(rows.rowCount).toBe(40);
    expect(await verifyAuditLog(db, { projectId: other.id })).toMatchObject({ ok: true });
  });

  it('never holds a secret value, password or token: rows, export and outbox scanned', async () => {
    const tables = await dumpTables(h.databaseUrl);
    const auditRows = JSON.stringify((await db.query('SELECT * FROM audit_records')).rows);
    const outbox = JSON.stringify((await db.query(`SELECT envelope FROM outbox WHERE topic = 'rotor.audit.v1'`)).rows);
    const exported = (await request(h.http).get('/api/v1/audit-logs/export').auth(h.adminToken, { type: 'bearer' }).buffer(true)
      .parse((res, cb) => { let text = ''; res.on('data', (c: Buffer) => (text += c.toString())); res.on('end', () => cb(null, text)); })).body as string;
    expect(auditRows.length).toBeGreaterThan(1000);
    expect(outbox).toContain('secret.read');
    expect(exported).toContain('secret.read');
    for (const credential of [SECRET_VALUE, NEW_SECRET_VALUE, CONNECTION_PASSWORD, 'admin-secret-password', 'stored-value', ...tokens]) {
      for (const [where, text] of [['audit rows', auditRows], ['outbox', outbox], ['export', exported], ['tables', tables]] as const) {
        expect({ where, found: text.includes(credential) }).toEqual({ where, found: false });
      }
    }
  });

  it('is append-only and a record edited in the database fails verification at that record', async () => {
    await expect(db.query(`UPDATE audit_records SET action = 'x'`)).rejects.toThrow(/append-only/);
    await expect(db.query('DELETE FROM audit_records')).rejects.toThrow(/append-only/);
    const clean = await request(h.http).get('/api/v1/audit-logs/verify').auth(h.adminToken, { type: 'bearer' }).expect(200);
    expect(clean.body).toMatchObject({ ok: true, firstBroken: null });

    const victim = (await db.query(`SELECT id, sequence FROM audit_records WHERE chain = $1 AND action = 'secret.read' ORDER BY sequence LIMIT 1`, [project.id])).rows[0];
    // Only someone who can turn the trigger off (the database owner) can do this.
    await db.query('BEGIN');
    await db.query('ALTER TABLE audit_records DISABLE TRIGGER audit_records_append_only');
    await db.query(`UPDATE audit_records SET status_code = 404 WHERE id = $1`, [victim.id]);
    await db.query('ALTER TABLE audit_records ENABLE TRIGGER audit_records_append_only');
    await db.query('COMMIT');

    const broken = await request(h.http).get('/api/v1/audit-logs/verify').query({ projectId: project.id }).auth(h.adminToken, { type: 'bearer' }).expect(200);
    expect(broken.body.ok).toBe(false);
    expect(broken.body.firstBroken).toMatchObject({
      chain: project.id, recordId: victim.id, sequence: Number(victim.sequence), reason: 'content-changed',
      differences: [{ field: 'outcome.statusCode', published: 200, stored: 404 }],
    });
    const direct = await verifyAuditLog(db);
    expect(direct.firstBroken?.recordId).toBe(victim.id);
    expect(direct.chains.find((c) => c.chain === 'global')?.ok).toBe(true);
  });

  it('answers 503 rather than hand out a secret it could not record', async () => {
    const me = await tokenWith(other.id);
    await db.query('ALTER TABLE audit_chain_heads RENAME TO audit_chain_heads_away');
    try {
      const res = await request(h.http).get(`/api/v3/secrets/raw/API_KEY?projectId=${other.id}&environment=dev&secretPath=/`).auth(me.token, { type: 'bearer' });
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ error: 'AUDIT.UNAVAILABLE' });
      expect(JSON.stringify(res.body)).not.toContain('stored-value');
    } finally {
      await db.query('ALTER TABLE audit_chain_heads_away RENAME TO audit_chain_heads');
    }
  });
});

/** "/api/v1/identities/<uuid>" → "/api/v1/identities/:identityId", from the served routes' shapes. */
function routePattern(path: string): string {
  const patterns = [
    '/api/v1/projects/:projectId/environments', '/api/v1/projects/:projectId/folders', '/api/v1/projects/:projectId',
    '/api/v1/identities/:identityId/tokens/:tokenId', '/api/v1/identities/:identityId/tokens', '/api/v1/identities/:identityId/roles',
    '/api/v1/identities/:identityId', '/api/v1/app-connections/redis/:connectionId',
    '/api/v2/secret-rotations/redis-credentials/rotation-name/:rotationName', '/api/v2/secret-rotations/redis-credentials/:rotationId/rotate-secrets',
    '/api/v2/secret-rotations/redis-credentials/:rotationId/generated-credentials', '/api/v2/secret-rotations/redis-credentials/:rotationId/history',
    '/api/v2/secret-rotations/redis-credentials/:rotationId', '/api/v3/secrets/raw/:secretName',
    '/api/v1/webhooks/:webhookId/test', '/api/v1/webhooks/:webhookId/deliveries', '/api/v1/webhooks/:webhookId',
  ];
  if (['/api/v1/identities/me', '/api/v2/secret-rotations/options', '/api/v1/audit-logs/export', '/api/v1/audit-logs/verify'].includes(path)) return path;
  return patterns.find((p) => new RegExp(`^${p.replace(/:\w+/g, '[^/]+')}$`).test(path)) ?? path;
}
