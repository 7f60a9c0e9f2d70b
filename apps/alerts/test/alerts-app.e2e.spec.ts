import { AnyEnvelope, createEnvelope } from '@rotor/contracts';
import { waitFor } from '@rotor/testing';
import { systemClock } from '@rotor/util';
import { WebhookAlert, verifySignature } from '@rotor/webhooks';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { alertHandlers } from '../src/inbound/alert-handlers';
import { AlertsHarness } from './support/harness';
import { Receiver } from './support/receiver';

jest.setTimeout(60_000);

interface Delivery {
  id: string;
  event: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  body: WebhookAlert;
  attemptLog: Array<{ attempt: number; attemptedAt: string; statusCode: number | null; durationMs: number; error: string | null }>;
}

const harness = new AlertsHarness('app');
const receiver = new Receiver();
const projectId = `proj-${randomUUID()}`;
const T = () => new Date().toISOString();

beforeAll(async () => {
  await receiver.start();
  await harness.start();
});

afterAll(async () => {
  await harness.stop();
  await receiver.stop();
});

async function createWebhook(path: string, events: string[], project = projectId): Promise<{ id: string; secret: string }> {
  const res = await harness.http('post', '/internal/webhooks').send({ projectId: project, url: receiver.url(path), events });
  expect(res.status).toBe(200);
  return { id: res.body.webhook.id, secret: res.body.secret };
}

async function deliveriesOf(webhookId: string): Promise<Delivery[]> {
  const res = await harness.http('get', `/internal/webhooks/${webhookId}/deliveries?projectId=${projectId}`);
  expect(res.status).toBe(200);
  return res.body.deliveries;
}

/** A rotation alerts has heard of (its RotationCreated), named `name`. */
function rotationCreated(rotationId: string, name: string) {
  return createEnvelope('RotationCreated', rotationId, {
    rotationId, projectId, environment: 'prod', secretPath: '/', name, connectionId: 'conn-1', isAutoRotationEnabled: true,
    rotationInterval: 30, rotateAtUtc: { hours: 0, minutes: 0 }, secretsMapping: { username: 'REDIS_USERNAME', password: 'REDIS_PASSWORD' }, createdAt: T(),
    description: null,
    parameters: {
      passwordRequirements: { length: 48, required: { digits: 1, lowercase: 1, uppercase: 1, symbols: 0 }, allowedSymbols: '-_.' },
      permissionScope: '~* +@all',
    },
    requestedBy: { type: 'identity', id: 'identity-1', name: 'ci-deployer' },
  });
}

function rotationCompleted(rotationId: string, generation = 1) {
  return createEnvelope('RotationCompleted', rotationId, {
    rotationId, jobId: `job-${generation}`, generation, activeIndex: 0, reason: 'initial', dueAt: null, rotatedAt: T(), nextRotationAt: null,
  });
}

describe('the alerts service on the real stack', () => {
  it('creates a webhook, shows its secret once, and names each bad field', async () => {
    const res = await harness.http('post', '/internal/webhooks').send({ projectId, url: receiver.url('/crud'), events: ['rotation.failed'], description: 'on-call' });
    expect(res.status).toBe(200);
    expect(res.body.secret).toMatch(/^whsec_/);
    const id = res.body.webhook.id as string;
    expect(res.body.webhook).toEqual({
      id, projectId, url: receiver.url('/crud'), description: 'on-call', events: ['rotation.failed'], enabled: true, createdAt: expect.any(String), updatedAt: expect.any(String),
    });

    const got = await harness.http('get', `/internal/webhooks/${id}`);
    expect(got.status).toBe(200);
    expect(JSON.stringify(got.body)).not.toContain(res.body.secret);
    const [row] = await harness.db.query('SELECT secret_sealed FROM webhooks WHERE id = $1', [id]);
    expect(row.secret_sealed).toMatch(/^enc:v1:/);
    expect(row.secret_sealed).not.toContain(res.body.secret);

    const updated = await harness.http('patch', `/internal/webhooks/${id}?projectId=${projectId}`).send({ enabled: false, events: ['rotation.failed', 'secrets.updated'] });
    expect(updated.body.webhook).toMatchObject({ enabled: false, events: ['rotation.failed', 'secrets.updated'], description: 'on-call' });
    expect((await harness.http('get', `/internal/webhooks/${id}?projectId=other-project`)).status).toBe(404);
    expect((await harness.http('get', `/internal/webhooks?projectId=${projectId}`)).body.webhooks.map((w: { id: string }) => w.id)).toContain(id);

    const bad = await harness.http('post', '/internal/webhooks').send({ projectId, url: 'ftp://example.com/x', events: ['rotation.exploded'] });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['events[0]', 'url']);

    expect((await harness.http('delete', `/internal/webhooks/${id}?projectId=${projectId}`)).status).toBe(200);
    expect((await harness.http('get', `/internal/webhooks/${id}`)).status).toBe(404);
  });

  it('delivers rotation.succeeded with the rotation name, signed with the webhook secret', async () => {
    const hook = await createWebhook('/succeeded', ['rotation.succeeded']);
    const rotationId = randomUUID();
    await harness.publish(rotationCreated(rotationId, 'orders-cache'), rotationCompleted(rotationId));

    await waitFor(async () => receiver.on('/succeeded').length === 1, { timeoutMs: 20_000, message: 'rotation.succeeded at the receiver' });
    const [req] = receiver.on('/succeeded');
    expect(verifySignature(hook.secret, req.headers['x-rotor-signature'] as string, req.body)).toBe(true);
    expect(verifySignature('whsec_wrong', req.headers['x-rotor-signature'] as string, req.body)).toBe(false);
    const body = JSON.parse(req.body) as WebhookAlert;
    expect(body).toMatchObject({ event: 'rotation.succeeded', projectId, rotation: { id: rotationId, name: 'orders-cache' }, data: { jobId: 'job-1', activeIndex: 0 } });
    expect(req.headers['x-rotor-event']).toBe('rotation.succeeded');
    expect(req.headers['x-rotor-delivery']).toBe(body.id);
  });

  it("looks up a transaction's alerts in one statement, and again for a rotation renamed in it", async () => {
    const hook = await createWebhook('/prepared', ['rotation.succeeded']);
    const [one, two] = [randomUUID(), randomUUID()];
    const { handlers, prepare } = alertHandlers(systemClock);
    const apply = async (tx: EntityManager, e: AnyEnvelope) => (handlers[e.type] as (e: AnyEnvelope, tx: EntityManager) => Promise<void>)(e, tx);
    await harness.db.transaction(async (tx) => {
      for (const e of [rotationCreated(one, 'one'), rotationCreated(two, 'two')]) await apply(tx, e);
    });

    const lookups: string[] = [];
    const events = [rotationCompleted(one), rotationCreated(two, 'renamed'), rotationCompleted(two)];
    await harness.db.transaction(async (tx) => {
      const query = tx.query.bind(tx);
      const counted = Object.assign(Object.create(tx) as EntityManager, {
        query: (sql: string, params?: unknown[]) => (/FROM unnest/.test(sql) && lookups.push(sql), query(sql, params)),
      });
      await prepare(events, counted);
      for (const e of events) await apply(counted, e);
    });

    // The prepared lookup served the first alert; the rename made the second look up again.
    expect(lookups).toHaveLength(2);
    const rows: { body: WebhookAlert }[] = await harness.db.query(
      'SELECT body::jsonb AS body FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY created_at, id', [hook.id],
    );
    expect(rows.map((r) => r.body.rotation?.name).sort()).toEqual(['one', 'renamed']);
  });

  it('queues an event delivered twice by Kafka only once', async () => {
    const hook = await createWebhook('/once', ['rotation.succeeded']);
    const rotationId = randomUUID();
    const completed = rotationCompleted(rotationId);
    await harness.publish(rotationCreated(rotationId, 'twice'), completed, completed);
    // A later event of the same rotation: once it is delivered, both copies have been consumed.
    await harness.publish(rotationCompleted(rotationId, 2));
    await waitFor(async () => receiver.on('/once').length >= 2, { timeoutMs: 20_000, message: 'both deliveries' });
    await new Promise((r) => setTimeout(r, 500));
    // Deliveries go out concurrently, so in either order; each event exactly once.
    expect(receiver.on('/once').map((r) => String((JSON.parse(r.body) as WebhookAlert).data['jobId'])).sort()).toEqual(['job-1', 'job-2']);
    expect((await deliveriesOf(hook.id)).length).toBe(2);
  });

  it('retries after a 500 and logs each attempt with its status and duration', async () => {
    const hook = await createWebhook('/flaky', ['rotation.succeeded']);
    receiver.answerNext('/flaky', 500);
    const rotationId = randomUUID();
    await harness.publish(rotationCreated(rotationId, 'flaky'), rotationCompleted(rotationId));

    const [delivery] = await waitFor(async () => {
      const ds = await deliveriesOf(hook.id);
      return ds[0]?.status === 'delivered' ? ds : null;
    }, { timeoutMs: 20_000, message: 'the delivery to succeed on its second attempt' });
    expect(delivery).toMatchObject({ attempts: 2, lastStatusCode: 200 });
    expect(delivery.attemptLog).toEqual([
      { attempt: 1, attemptedAt: expect.any(String), statusCode: 500, durationMs: expect.any(Number), error: 'the receiver answered 500' },
      { attempt: 2, attemptedAt: expect.any(String), statusCode: 200, durationMs: expect.any(Number), error: null },
    ]);
    const [first, second] = receiver.on('/flaky');
    expect(first.body).toBe(second.body); // the same body (and delivery id), signed again
    expect(verifySignature(hook.secret, second.headers['x-rotor-signature'] as string, second.body)).toBe(true);
    expect(second.at - first.at).toBeGreaterThanOrEqual(150); // the first backoff
  });

  it('backs off exponentially and gives up after the last attempt', async () => {
    const hook = await createWebhook('/down', ['rotation.failed']);
    receiver.answerNext('/down', 503, 503, 503);
    const rotationId = randomUUID();
    await harness.publish(createEnvelope('RotationGaveUp', rotationId, {
      rotationId, projectId, jobId: 'job-9', generation: 9, attempt: 6, dueAt: null, message: 'node unreachable', retryable: true, nextRotationAt: null, gaveUpAt: T(),
    }));
    const [delivery] = await waitFor(async () => {
      const ds = await deliveriesOf(hook.id);
      return ds[0]?.status === 'failed' ? ds : null;
    }, { timeoutMs: 20_000, message: 'the delivery to be given up' });
    expect(delivery.attempts).toBe(3);
    const at = delivery.attemptLog.map((a) => Date.parse(a.attemptedAt));
    expect(at[1] - at[0]).toBeGreaterThanOrEqual(150);
    expect(at[2] - at[1]).toBeGreaterThanOrEqual(300);
    await new Promise((r) => setTimeout(r, 800));
    expect(receiver.on('/down')).toHaveLength(3);
  });

  it('keeps a pending delivery across a restart of the service and sends it afterwards', async () => {
    const late = await new Receiver().start();
    const port = late.port;
    await late.stop(); // nothing listens there for now: attempts fail with ECONNREFUSED
    const res = await harness.http('post', '/internal/webhooks').send({ projectId, url: `http://127.0.0.1:${port}/late`, events: ['secrets.updated'] });
    const hookId = res.body.webhook.id as string;
    await harness.publish(createEnvelope('SecretsUpdated', randomUUID(), {
      projectId, environment: 'prod', secretPath: '/', rotationId: null, secrets: [{ key: 'REDIS_PASSWORD', version: 3 }], updatedAt: T(),
    }));
    // Read once: a second read could already see the next attempt, on a busy machine.
    let first: Delivery | undefined;
    await waitFor(async () => (first = (await deliveriesOf(hookId))[0])?.attempts === 1, { timeoutMs: 20_000, message: 'a first, refused attempt' });
    expect(first).toMatchObject({ status: 'pending', lastStatusCode: null, attemptLog: [expect.objectContaining({ error: expect.stringMatching(/^ECONNREFUSED/) })] });

    await harness.stopApp();
    await late.start(port);
    try {
      await harness.startApp();
      await waitFor(async () => late.on('/late').length === 1, { timeoutMs: 20_000, message: 'the delivery after the restart' });
      expect(JSON.parse(late.on('/late')[0].body)).toMatchObject({ event: 'secrets.updated', data: { secrets: [{ key: 'REDIS_PASSWORD', version: 3 }] } });
    } finally {
      await late.stop();
    }
  });

  it('sends nothing to a disabled webhook, another project, or for an event not subscribed', async () => {
    const quiet = await createWebhook('/quiet', ['rotation.succeeded']);
    await harness.http('patch', `/internal/webhooks/${quiet.id}?projectId=${projectId}`).send({ enabled: false });
    await createWebhook('/elsewhere', ['rotation.succeeded'], `proj-${randomUUID()}`);
    await createWebhook('/failures-only', ['rotation.failed']);
    const witness = await createWebhook('/witness', ['rotation.succeeded']);
    const rotationId = randomUUID();
    await harness.publish(rotationCreated(rotationId, 'quiet'), rotationCompleted(rotationId));
    await waitFor(async () => receiver.on('/witness').length === 1, { timeoutMs: 20_000, message: 'the witness delivery' });
    await new Promise((r) => setTimeout(r, 300));
    expect([receiver.on('/quiet'), receiver.on('/elsewhere'), receiver.on('/failures-only')]).toEqual([[], [], []]);
    expect((await deliveriesOf(witness.id))).toHaveLength(1);
  });

  it('sends a test delivery on request', async () => {
    const hook = await createWebhook('/test', ['rotation.failed']);
    const res = await harness.http('post', `/internal/webhooks/${hook.id}/test?projectId=${projectId}`);
    expect(res.status).toBe(202);
    expect(res.body.delivery).toMatchObject({ event: 'webhook.test', status: 'pending' });
    await waitFor(async () => receiver.on('/test').length === 1, { timeoutMs: 10_000, message: 'the test delivery' });
    const [req] = receiver.on('/test');
    expect(verifySignature(hook.secret, req.headers['x-rotor-signature'] as string, req.body)).toBe(true);
    expect(JSON.parse(req.body)).toMatchObject({ id: res.body.delivery.id, event: 'webhook.test', data: { webhookId: hook.id } });
  });
});
