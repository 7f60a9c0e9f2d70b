import { Consumer, Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { ADMIN_PASSWORD, ADMIN_USER, Platform, RedisFleet, RedisServer, RotorApi, sampleRotationRequest, waitFor, sharedPlatform, createProject } from '@rotor/testing';
import { runCommand } from './support/run-command';

/**
 * The audit log on the real platform: who asked for a manual rotation shows in its history;
 * a create / rotate / read flow leaves one record per request with its actor; the topic
 * carries the records the export gives; nothing in either, nor in the table, is a credential;
 * and a record edited in the database makes verification fail at that record.
 */
interface AuditRecord {
  id: string;
  chain: string;
  sequence: number;
  action: string;
  correlationId: string;
  actor: { type: string; identityId: string | null; identityName: string | null; tokenId: string | null };
  target: { type: string; id: string | null };
  outcome: { result: string; statusCode: number; errorCode: string | null };
  projectId: string | null;
}

/** The parts of the answers this spec reads. */
interface Answer {
  appConnection: { id: string };
  secretRotation: { id: string; lastRotationJobId: string };
  secrets: Array<{ secretValue: string }>;
  generatedCredentials: Array<{ password: string }>;
}

const ROTATIONS = '/api/v2/secret-rotations/redis-credentials';
let platform: Platform;
const fleet = new RedisFleet();
let redis: RedisServer;
let admin: RotorApi;
let projectId: string;
let identity: { id: string; name: string; token: string };
let consumer: Consumer;
const topic: AuditRecord[] = [];
const rotationEvents: Array<{ type: string; correlationId: string; payload: { jobId?: string; requestedBy?: unknown } }> = [];
/** Every credential the spec saw or handed over; none may reach the audit log. */
const credentials: string[] = [ADMIN_PASSWORD];

async function send(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: Answer; correlationId: string }> {
  const res = await fetch(`${platform.url()}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'user-agent': 'rotor-e2e-audit', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Answer, correlationId: res.headers.get('x-correlation-id') ?? '' };
}

async function exported(query = ''): Promise<AuditRecord[]> {
  const get = () => fetch(`${platform.url()}/api/v1/audit-logs/export${query}`, { headers: { authorization: `Bearer ${platform.adminToken}`, accept: 'application/x-ndjson' } });
  // Once more on a connection-level failure ("other side closed"): a keep-alive socket the
  // gateway closed as it was reused, which a loaded machine sees when the earlier files of this
  // worker left idle sockets to the shared platform. A gateway that stopped answering fails again.
  const res = await get().catch(() => get());
  expect(res.status).toBe(200);
  return (await res.text()).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditRecord);
}

beforeAll(async () => {
  redis = await fleet.start();
  platform = await sharedPlatform();
  admin = new RotorApi(platform.url(), platform.adminToken);
  credentials.push(platform.adminToken);
  projectId = await createProject(platform, 'audited');
  const made = await admin.ok<{ identity: { id: string }; token: { token: string } }>('POST', '/api/v1/identities', {
    name: 'ci-deployer',
    roles: [{ projectId, permissions: ['read', 'create', 'edit', 'delete', 'rotate', 'read-generated-credentials', 'read-secrets'] }],
  });
  identity = { id: made.identity.id, name: 'ci-deployer', token: made.token.token };
  credentials.push(identity.token);

  const kafka = new Kafka({ clientId: 'e2e-audit', brokers: [platform.kafkaBroker()], logLevel: logLevel.NOTHING });
  consumer = kafka.consumer({ groupId: `e2e-audit-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topics: ['rotor.audit.v1', 'rotor.rotation.events.v1'], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic: name, message }) => {
      const envelope = JSON.parse(message.value?.toString('utf8') ?? '{}');
      if (name === 'rotor.audit.v1') topic.push(envelope.payload as AuditRecord);
      else rotationEvents.push(envelope);
    },
  });
}, 240_000);

afterAll(async () => {
  await consumer?.disconnect();
  await fleet.stopAll();
}, 60_000);

describe('the audit log, end to end', () => {
  const calls: Record<string, { correlationId: string; status: number }> = {};
  let rotationId: string;
  let manualJobId: string;

  it('records a create / rotate / read flow, one record per request, naming the identity', async () => {
    const connection = await send('POST', '/api/v1/app-connections/redis', identity.token, {
      name: 'audited-redis', projectId, host: '127.0.0.1', port: redis.port, username: ADMIN_USER, password: ADMIN_PASSWORD,
    });
    expect(connection.status).toBe(200);
    calls['app-connection.create'] = connection;
    const created = await send('POST', ROTATIONS, identity.token, { ...sampleRotationRequest(projectId, connection.body.appConnection.id), rotationInterval: 30 });
    expect(created.status).toBe(200);
    calls['secret-rotation.create'] = created;
    rotationId = created.body.secretRotation.id;
    const rotated = await send('POST', `${ROTATIONS}/${rotationId}/rotate-secrets`, identity.token, {});
    expect(rotated.status).toBe(200);
    calls['secret-rotation.rotate'] = rotated;
    manualJobId = rotated.body.secretRotation.lastRotationJobId;
    await waitFor(async () => {
      const history = (await admin.ok<{ history: Array<{ type: string; jobId: string }> }>('GET', `${ROTATIONS}/${rotationId}/history`)).history;
      return history.some((h) => h.jobId === manualJobId && h.type === 'RotationCompleted');
    }, { timeoutMs: 60_000, intervalMs: 250, message: 'the manual rotation to complete' });

    const secrets = await send('GET', `/api/v3/secrets/raw?projectId=${projectId}&environment=dev&secretPath=/`, identity.token);
    expect(secrets.status).toBe(200);
    calls['secret.list'] = secrets;
    const one = await send('GET', `/api/v3/secrets/raw/REDIS_PASSWORD?projectId=${projectId}&environment=dev&secretPath=/`, identity.token);
    calls['secret.read'] = one;
    const generated = await send('GET', `${ROTATIONS}/${rotationId}/generated-credentials`, identity.token);
    expect(generated.status).toBe(200);
    calls['secret-rotation.read-generated-credentials'] = generated;
    for (const s of secrets.body.secrets) credentials.push(s.secretValue);
    for (const c of generated.body.generatedCredentials) credentials.push(c.password);

    const mine = await exported(`?actorId=${identity.id}`);
    for (const [action, call] of Object.entries(calls)) {
      const records = mine.filter((r) => r.correlationId === call.correlationId);
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({
        action, projectId, chain: projectId,
        actor: { type: 'identity', identityId: identity.id, identityName: 'ci-deployer' },
        outcome: { result: 'success', statusCode: call.status },
      });
    }
    expect(mine.find((r) => r.action === 'secret-rotation.rotate')?.target).toEqual({ type: 'secret-rotation', id: rotationId });
  });

  it("names the identity in the manual rotation's history, and the events of that request carry the record's correlation id", async () => {
    const history = (await admin.ok<{ history: Array<{ type: string; jobId: string; actor: unknown }> }>('GET', `${ROTATIONS}/${rotationId}/history`)).history;
    const manual = history.find((h) => h.type === 'RotationRequested' && h.jobId === manualJobId);
    expect(manual?.actor).toEqual({ type: 'identity', id: identity.id, name: 'ci-deployer', tokenId: expect.any(String) });
    expect(history.find((h) => h.type === 'RotationCompleted' && h.jobId === manualJobId)?.actor).toEqual({ type: 'rotor', name: 'Rotor' });
    expect(history.find((h) => h.type === 'RotationCreated')?.actor).toMatchObject({ type: 'identity', id: identity.id });

    await waitFor(async () => rotationEvents.some((e) => e.type === 'RotationRequested' && e.payload.jobId === manualJobId), {
      timeoutMs: 30_000, intervalMs: 200, message: 'the manual RotationRequested on the topic',
    });
    const event = rotationEvents.find((e) => e.type === 'RotationRequested' && e.payload.jobId === manualJobId);
    expect(event?.correlationId).toBe(calls['secret-rotation.rotate']?.correlationId);
    expect(event?.payload.requestedBy).toMatchObject({ type: 'identity', id: identity.id, name: 'ci-deployer' });
  });

  it('records a cross-project attempt as denied', async () => {
    const other = await admin.ok<{ project: { id: string } }>('POST', '/api/v1/projects', { name: 'elsewhere', slug: 'elsewhere' });
    const outsider = await admin.ok<{ identity: { id: string }; token: { token: string } }>('POST', '/api/v1/identities', {
      name: 'outsider', roles: [{ projectId: other.project.id, permissions: ['read', 'rotate'] }],
    });
    credentials.push(outsider.token.token);
    const attempt = await send('POST', `${ROTATIONS}/${rotationId}/rotate-secrets`, outsider.token.token, {});
    expect(attempt.status).toBe(404);
    const [record] = (await exported(`?actorId=${outsider.identity.id}&action=secret-rotation.rotate`)).filter((r) => r.correlationId === attempt.correlationId);
    expect(record).toMatchObject({ projectId, outcome: { result: 'denied', statusCode: 404 }, target: { type: 'secret-rotation', id: rotationId } });
  });

  it('publishes on rotor.audit.v1 the same records the export gives', async () => {
    const before = await exported();
    await waitFor(async () => before.every((r) => topic.some((t) => t.id === r.id)), { timeoutMs: 30_000, intervalMs: 200, message: 'every exported record on the topic' });
    const byId = new Map(topic.map((t) => [t.id, t]));
    for (const record of before) expect(byId.get(record.id)).toEqual(record);
    const after = new Map((await exported()).map((r) => [r.id, r]));
    for (const record of topic) expect(after.get(record.id)).toEqual(record);
  });

  it('holds no credential: audit rows, export and topic scanned for every one the flow handled', async () => {
    const db = new Client({ connectionString: `postgres://postgres@127.0.0.1:5432/${platform.database('gateway')}` });
    await db.connect();
    try {
      const rows = JSON.stringify((await db.query('SELECT * FROM audit_records')).rows);
      const everything = { rows, export: JSON.stringify(await exported()), topic: JSON.stringify(topic) };
      expect(credentials.length).toBeGreaterThanOrEqual(6);
      for (const credential of credentials) {
        for (const [where, text] of Object.entries(everything)) expect({ where, found: text.includes(credential) }).toEqual({ where, found: false });
      }
    } finally {
      await db.end();
    }
  });

  it('verifies, and fails at the record edited in the database (API route and npm run audit:verify)', async () => {
    expect(await admin.ok('GET', '/api/v1/audit-logs/verify')).toMatchObject({ ok: true, firstBroken: null });
    const url = `postgres://postgres@127.0.0.1:5432/${platform.database('gateway')}`;
    const cli = () => runCommand('node', ['-r', './tools/register.cjs', 'tools/audit-verify.ts', '--database-url', url], { cwd: process.cwd().replace(/\/apps\/rotor-e2e$/, '') });
    expect((await cli()).status).toBe(0);

    const victim = (await exported(`?actorId=${identity.id}&action=secret.read`))[0] as AuditRecord;
    const db = new Client({ connectionString: url });
    await db.connect();
    try {
      await db.query('BEGIN');
      await db.query('ALTER TABLE audit_records DISABLE TRIGGER audit_records_append_only');
      await db.query(`UPDATE audit_records SET actor_identity_name = 'someone-else' WHERE id = $1`, [victim.id]);
      await db.query('ALTER TABLE audit_records ENABLE TRIGGER audit_records_append_only');
      await db.query('COMMIT');
    } finally {
      await db.end();
    }
    const verification = await admin.ok<{ ok: boolean; firstBroken: { recordId: string; reason: string } }>('GET', `/api/v1/audit-logs/verify?projectId=${projectId}`);
    expect(verification.ok).toBe(false);
    expect(verification.firstBroken).toMatchObject({ recordId: victim.id, reason: 'content-changed' });
    const run = await cli();
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(victim.id);
    expect(run.stdout).toContain('actor.identityName: published "ci-deployer", stored "someone-else"');
  });
});
