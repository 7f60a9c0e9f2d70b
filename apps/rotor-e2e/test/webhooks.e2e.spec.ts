import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { ADMIN_PASSWORD, ADMIN_USER, Platform, RedisFleet, RedisServer, RotorApi, sampleRotationRequest, waitFor } from '@rotor/testing';

/**
 * Project webhooks on the whole platform: through the gateway, the alerts service consuming
 * the real Kafka, rotations on a real redis-server, and a receiver in this test that checks
 * every signature the way the README tells users to.
 */

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  signatureValid: boolean;
}
interface Alert {
  id: string;
  event: string;
  projectId: string;
  rotation: { id: string; name: string | null } | null;
  message: string;
  data: Record<string, unknown>;
}
interface Delivery {
  id: string;
  event: string;
  status: string;
  attempts: number;
  body: Alert;
  attemptLog: Array<{ attempt: number; statusCode: number | null; durationMs: number; error: string | null }>;
}

const platform = new Platform({
  readyTimeoutMs: 180_000,
  extraEnv: { LOG_LEVEL: 'info', KAFKA_SESSION_TIMEOUT_MS: '6000', ALERTS_RETRY_BASE_MS: '500', ALERTS_RETRY_MAX_MS: '2000', ALERTS_POLL_MS: '200' },
});
const fleet = new RedisFleet();
const ROTATIONS = '/api/v2/secret-rotations/redis-credentials';
let redis: RedisServer;
let api: RotorApi;
let projectId: string;
let connectionId: string;
let rotationId: string;
let secret = '';
let webhookId: string;
let server: Server;
let receiverUrl: string;
const received: Received[] = [];
/** Statuses to answer, in order, before answering 200. */
const answers: number[] = [];
/** Every credential Rotor issued in this run, read through the secrets API. */
const passwords = new Set<string>();

/** What the README asks a receiver to do, written out here rather than imported. */
function verify(header: string | undefined, rawBody: string): boolean {
  if (!header || !secret) return false;
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=')));
  const expected = createHmac('sha256', secret).update(`${parts.t}.${rawBody}`).digest('hex');
  const fresh = Math.abs(Date.now() / 1000 - Number(parts.t)) <= 300;
  return fresh && expected.length === parts.v1?.length && timingSafeEqual(Buffer.from(expected), Buffer.from(parts.v1));
}

function alerts(event?: string): Alert[] {
  return received.map((r) => JSON.parse(r.body) as Alert).filter((a) => event === undefined || a.event === event);
}

async function collectCredentials(): Promise<void> {
  const { secrets } = await api.ok<{ secrets: Array<{ secretKey: string; secretValue: string }> }>(
    'GET', `/api/v3/secrets/raw?projectId=${projectId}&environment=dev&secretPath=/`,
  );
  for (const s of secrets) if (s.secretKey === 'REDIS_PASSWORD') passwords.add(s.secretValue);
  const { generatedCredentials } = await api.ok<{ generatedCredentials: Array<{ password: string } | null> }>('GET', `${ROTATIONS}/${rotationId}/generated-credentials`);
  for (const c of generatedCredentials) if (c?.password) passwords.add(c.password);
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: req.headers, body, signatureValid: verify(req.headers['x-rotor-signature'] as string | undefined, body) });
      res.statusCode = answers.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/rotor`;

  redis = await fleet.start();
  await platform.prepare();
  await platform.startAll();
  api = new RotorApi(platform.url(), platform.adminToken);
  const { projects } = await api.ok<{ projects: Array<{ id: string }> }>('GET', '/api/v1/projects');
  projectId = projects[0].id;
  const conn = await api.ok<{ appConnection: { id: string } }>('POST', '/api/v1/app-connections/redis', {
    name: 'webhook-redis', projectId, host: '127.0.0.1', port: redis.port, username: ADMIN_USER, password: ADMIN_PASSWORD,
  });
  connectionId = conn.appConnection.id;
}, 480_000);

afterAll(async () => {
  await platform.stopAll();
  platform.stopKafka();
  await fleet.stopAll();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
}, 60_000);

describe('project webhooks, end to end', () => {
  it('refuses a bad webhook naming each field, and shows the signing secret only once', async () => {
    const bad = await api.call<{ details: Array<{ field: string }> }>('POST', '/api/v1/webhooks', { projectId, url: 'javascript:alert(1)', events: ['rotation.exploded'] });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d) => d.field).sort()).toEqual(['events[0]', 'url']);

    const created = await api.call<{ webhook: { id: string; events: string[] }; secret: string }>('POST', '/api/v1/webhooks', {
      projectId, url: receiverUrl, events: ['rotation.failed', 'rotation.attempt_failed', 'rotation.succeeded', 'secrets.updated'], description: 'on-call',
    });
    expect(created.status).toBe(200);
    secret = created.body.secret;
    webhookId = created.body.webhook.id;
    expect(secret).toMatch(/^whsec_/);
    const listed = await api.call('GET', `/api/v1/webhooks?projectId=${projectId}`);
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).toContain(webhookId);
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    expect(JSON.stringify(await api.ok('GET', `/api/v1/webhooks/${webhookId}`))).not.toContain(secret);
  });

  it('sends a signed test delivery on request', async () => {
    const res = await api.call<{ delivery: Delivery }>('POST', `/api/v1/webhooks/${webhookId}/test`);
    expect(res.status).toBe(202);
    await waitFor(async () => alerts('webhook.test').length === 1, { timeoutMs: 15_000, message: 'the test delivery' });
    expect(received.every((r) => r.signatureValid)).toBe(true);
    expect(received[0].headers['x-rotor-delivery']).toBe(res.body.delivery.id);
  });

  it('tells of a rotation that succeeded and of its secrets, retrying a delivery the receiver refused once', async () => {
    answers.push(500); // the first delivery after this point is refused once
    const created = await api.ok<{ secretRotation: { id: string } }>('POST', ROTATIONS, { ...sampleRotationRequest(projectId, connectionId), name: 'hooked-rotation' });
    rotationId = created.secretRotation.id;
    await collectCredentials();
    await api.ok('POST', `${ROTATIONS}/${rotationId}/rotate-secrets`);

    const retriedOnce = () => {
      const ids = received.map((r) => r.headers['x-rotor-delivery']);
      return new Set(ids).size < ids.length;
    };
    await waitFor(async () => alerts('rotation.succeeded').length >= 2 && alerts('secrets.updated').length >= 2 && retriedOnce(), {
      timeoutMs: 60_000, intervalMs: 250, message: 'rotation.succeeded and secrets.updated for the initial and the manual rotation, and the refused delivery again',
    });
    await collectCredentials();
    // Deliveries promise no order: the two completions may reach alerts in one transaction, and
    // the refused delivery comes again after the others.
    const succeeded = alerts('rotation.succeeded');
    expect(succeeded.find((a) => a.data['reason'] === 'initial')).toMatchObject({ projectId, rotation: { id: rotationId, name: 'hooked-rotation' } });
    expect(succeeded.find((a) => a.data['reason'] === 'manual')).toMatchObject({ projectId, rotation: { id: rotationId, name: 'hooked-rotation' } });
    expect(alerts('secrets.updated')[0]).toMatchObject({
      rotation: { id: rotationId }, data: { environment: 'dev', secretPath: '/', secrets: expect.arrayContaining([expect.objectContaining({ key: 'REDIS_PASSWORD' })]) },
    });
    expect(received.every((r) => r.signatureValid)).toBe(true);

    // The refused one was sent again, with the same delivery id, and both attempts are logged.
    const ids = received.map((r) => r.headers['x-rotor-delivery']);
    const retried = ids.find((id, i) => ids.indexOf(id) !== i);
    expect(retried).toBeDefined();
    const { deliveries } = await api.ok<{ deliveries: Delivery[] }>('GET', `/api/v1/webhooks/${webhookId}/deliveries`);
    const log = deliveries.find((d) => d.id === retried);
    expect(log).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(log?.attemptLog.map((a) => [a.attempt, a.statusCode])).toEqual([[1, 500], [2, 200]]);
    expect(log?.attemptLog[0].error).toBe('the receiver answered 500');
  });

  it('tells of a failed attempt and of a rotation that failed for good when Redis is gone', async () => {
    await redis.stop();
    try {
      const res = await api.call('POST', `${ROTATIONS}/${rotationId}/rotate-secrets`);
      expect(res.status).toBeLessThan(300);
      await waitFor(async () => alerts('rotation.failed').length === 1 && alerts('rotation.attempt_failed').length === 1, {
        timeoutMs: 90_000, intervalMs: 250, message: 'rotation.attempt_failed and rotation.failed',
      });
    } finally {
      await redis.restart();
    }
    const [attempt] = alerts('rotation.attempt_failed');
    const [final] = alerts('rotation.failed');
    expect(attempt).toMatchObject({ projectId, rotation: { id: rotationId, name: 'hooked-rotation' }, data: { reason: 'manual', attempt: 1 } });
    // A manual attempt is not retried by the scheduler: it failed for good at once.
    expect(final).toMatchObject({ projectId, rotation: { id: rotationId, name: 'hooked-rotation' }, data: { attempt: 1, jobId: attempt.data['jobId'] } });
    expect(final.message).toMatch(/will not be retried/);
    expect(received.every((r) => r.signatureValid)).toBe(true);
  });

  it('loses no alert while the alerts service is killed', async () => {
    const before = alerts('rotation.succeeded').length;
    await platform.stop('alerts', 'SIGKILL');
    const stopped = await api.call('POST', `${ROTATIONS}/${rotationId}/rotate-secrets`);
    expect(stopped.status).toBeLessThan(300); // rotations do not wait for alerts
    await waitFor(async () => {
      const { history } = await api.ok<{ history: Array<{ type: string }> }>('GET', `${ROTATIONS}/${rotationId}/history`);
      return history.filter((h) => h.type === 'RotationCompleted').length >= 3;
    }, { timeoutMs: 60_000, intervalMs: 250, message: 'the rotation to complete while alerts is down' });
    expect(alerts('rotation.succeeded')).toHaveLength(before);

    await platform.start('alerts');
    await waitFor(async () => alerts('rotation.succeeded').length === before + 1, { timeoutMs: 60_000, intervalMs: 250, message: 'the alert after the restart' });
    await collectCredentials();
    expect(received.every((r) => r.signatureValid)).toBe(true);
  });

  it('never carries a password, in any body or header it sent, nor the signing secret in a log', () => {
    expect(passwords.size).toBeGreaterThanOrEqual(2);
    const everything = received.map((r) => `${JSON.stringify(r.headers)}\n${r.body}`).join('\n');
    for (const p of [...passwords, ADMIN_PASSWORD]) expect(everything.includes(p)).toBe(false);
    expect(everything).not.toContain('enc:v1:');
    const logs = platform.logs();
    expect(logs.includes(secret)).toBe(false);
    for (const p of passwords) expect(logs.includes(p)).toBe(false);
  });

  it('keeps webhooks within their project: other identities see a 404, readers cannot manage', async () => {
    const { project: other } = await api.ok<{ project: { id: string } }>('POST', '/api/v1/projects', { name: 'elsewhere', slug: 'elsewhere' });
    const reader = await api.ok<{ token: { token: string } }>('POST', '/api/v1/identities', { name: 'webhook-reader', roles: [{ projectId, permissions: ['read'] }] });
    const asReader = new RotorApi(platform.url(), reader.token.token);
    expect((await asReader.call('GET', `/api/v1/webhooks/${webhookId}/deliveries`)).status).toBe(200);
    expect((await asReader.call('POST', `/api/v1/webhooks/${webhookId}/test`)).status).toBe(403);
    expect((await asReader.call('DELETE', `/api/v1/webhooks/${webhookId}`)).status).toBe(403);

    const stranger = await api.ok<{ token: { token: string } }>('POST', '/api/v1/identities', {
      name: 'stranger', roles: [{ projectId: other.id, permissions: ['read', 'create', 'edit', 'delete'] }],
    });
    const asStranger = new RotorApi(platform.url(), stranger.token.token);
    const hidden = await asStranger.call<{ error: string }>('GET', `/api/v1/webhooks/${webhookId}`);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error).toBe('WEBHOOK.NOT_FOUND');

    expect((await api.call('DELETE', `/api/v1/webhooks/${webhookId}`)).status).toBe(200);
    expect((await api.call('GET', `/api/v1/webhooks/${webhookId}`)).status).toBe(404);
  });
});
