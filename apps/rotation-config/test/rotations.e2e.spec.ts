import { Actor, PayloadOf } from '@rotor/contracts';
import { ACTOR_HEADER, CORRELATION_ID_HEADER, encodeActorHeader } from '@rotor/service-runtime';
import { rotorUsernames } from '@rotor/rotation-domain';
import { waitFor } from '@rotor/testing';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { Harness, newProjectId } from './harness';
import { ROTATIONS, ROTOR_ADDED_FIELDS, SAMPLE_RESPONSE_FIELDS, createConnection, createIssuedRotation, rotationBody } from './fixtures';

jest.setTimeout(60_000);

const h = new Harness('config_rotations');
beforeAll(() => h.start(), 60_000);
afterAll(() => h.stop(), 30_000);

async function setup() {
  const projectId = newProjectId();
  const connection = await createConnection(h, projectId);
  return { projectId, connection };
}

describe('creating a rotation', () => {
  it("answers with the Infisical-compatible response, field for field, once the secret store holds the first credential set", async () => {
    const { projectId, connection } = await setup();
    const { rotation, requested, body } = await createIssuedRotation(h, projectId, connection.id);

    expect(Object.keys(rotation)).toEqual([...SAMPLE_RESPONSE_FIELDS, ...ROTOR_ADDED_FIELDS]);
    expect(rotation).toMatchObject({
      id: requested.rotationId,
      name: 'my-redis-rotation',
      description: 'my database credentials rotation',
      isAutoRotationEnabled: true,
      activeIndex: 0,
      folderId: body.folder.id,
      connectionId: connection.id,
      rotationInterval: 2,
      rotationStatus: 'success',
      lastRotationJobId: requested.jobId,
      connection: { app: 'redis', name: 'my-redis-connection', id: connection.id },
      environment: { slug: 'dev', name: 'Development', id: body.environment.id },
      projectId,
      folder: { id: body.folder.id, path: '/' },
      rotateAtUtc: { hours: 11, minutes: 29 },
      lastRotationMessage: null,
      type: 'redis-credentials',
      parameters: body.parameters,
      secretsMapping: { username: 'REDIS_USERNAME', password: 'REDIS_PASSWORD' },
    });
    // Next due: the first 11:29 UTC at least two days after the first issue.
    const rotatedAt = new Date(rotation.lastRotatedAt).getTime();
    const next = new Date(rotation.nextRotationAt);
    expect(next.getUTCHours() * 60 + next.getUTCMinutes()).toBe(11 * 60 + 29);
    expect(next.getTime() - rotatedAt).toBeGreaterThanOrEqual(2 * 86_400_000);
    expect(next.getTime() - rotatedAt).toBeLessThan(3 * 86_400_000);
    for (const field of ['createdAt', 'updatedAt', 'lastRotationAttemptedAt', 'lastRotatedAt']) {
      expect(new Date(rotation[field]).toISOString()).toBe(rotation[field]);
    }
  });

  it('asks the executor for slot 0 with the scope as separate rules and the admin password sealed', async () => {
    const { projectId, connection } = await setup();
    const { requested } = await createIssuedRotation(h, projectId, connection.id, { parameters: { permissionScope: '~cache:* +get +set' } });

    expect(requested).toMatchObject({
      reason: 'initial', attempt: 1, generation: 1, targetIndex: 0, dueAt: null,
      username: rotorUsernames(requested.rotationId)[0],
      permissionScope: ['~cache:*', '+get', '+set'],
      environment: 'dev', secretPath: '/',
      secretsMapping: { username: 'REDIS_USERNAME', password: 'REDIS_PASSWORD' },
    });
    expect(requested.connection).toMatchObject({ connectionId: connection.id, host: '127.0.0.1', username: h.admin.username, topology: { type: 'single' } });
    expect(requested.connection.password).toMatch(/^enc:v1:/);
    expect(JSON.stringify(requested)).not.toContain(h.admin.password);
  });

  it('answers 422 with the cause and leaves no rotation behind when the first issue fails', async () => {
    const { projectId, connection } = await setup();
    const answer = h.http().post(ROTATIONS).send(rotationBody(projectId, connection.id)).then((r) => r);
    const requested = await h.waitForEvent('RotationRequested', (p) => p.projectId === projectId);
    await h.failRequest(requested, 'ACL SETUSER refused on 127.0.0.1:6379: NOPERM', false);

    const res = await answer;
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ statusCode: 422, error: 'ROTATION.INITIAL_ISSUE_FAILED' });
    expect(res.body.message).toContain('NOPERM');

    const list = await h.http().get(`${ROTATIONS}?projectId=${projectId}`);
    expect(list.body).toEqual({ secretRotations: [] });
    const revocation = await h.waitForEvent('RevocationRequested', (p) => p.rotationId === requested.rotationId);
    expect(revocation.usernames).toEqual(rotorUsernames(requested.rotationId));
    const deleted = await h.waitForEvent('RotationDeleted', (p) => p.rotationId === requested.rotationId);
    expect(deleted).toMatchObject({ revokeGeneratedCredentials: true, deleteSecrets: false });
    // The name is free again.
    const again = await createIssuedRotation(h, projectId, connection.id);
    expect(again.rotation.name).toBe('my-redis-rotation');
  });

  it("rejects the documented sample's fractional rotate-at time, naming both fields", async () => {
    const { projectId, connection } = await setup();
    const res = await h.http().post(ROTATIONS).send(rotationBody(projectId, connection.id, { rotateAtUtc: { hours: 11.5, minutes: 29.5 } }));
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['rotateAtUtc.hours', 'rotateAtUtc.minutes']);
  });

  it('refuses a name or a secret already taken at the same location, naming the field', async () => {
    const { projectId, connection } = await setup();
    await createIssuedRotation(h, projectId, connection.id);

    const sameName = await h.http().post(ROTATIONS).send(rotationBody(projectId, connection.id, { secretsMapping: { username: 'U2', password: 'P2' } }));
    expect(sameName.status).toBe(400);
    expect(sameName.body.details).toEqual([{ field: 'name', message: expect.stringContaining('already exists') }]);

    const sameSecret = await h.http().post(ROTATIONS).send(rotationBody(projectId, connection.id, { name: 'other', secretsMapping: { username: 'U2', password: 'REDIS_PASSWORD' } }));
    expect(sameSecret.status).toBe(400);
    expect(sameSecret.body.details).toEqual([{ field: 'secretsMapping.password', message: expect.stringContaining('my-redis-rotation') }]);
  });

  it('refuses a mapped secret that already exists as a user\'s own secret, before anything is requested', async () => {
    const { projectId, connection } = await setup();
    h.secretStore.addSecret({ projectId, environment: 'dev', secretPath: '/' }, 'REDIS_PASSWORD');
    const res = await h.http().post(ROTATIONS).send(rotationBody(projectId, connection.id));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'ROTATION.LOCATION_CONFLICT' });
    expect(res.body.details).toEqual([{ field: 'secretsMapping.password', message: expect.stringContaining('already exists') }]);
    // Nothing was appended, so nothing was asked of Redis: no RotationCreated, no RotationRequested.
    expect(await h.query('SELECT 1 FROM rotations WHERE project_id = $1', [projectId])).toEqual([]);
    expect(await h.query("SELECT 1 FROM es_events WHERE payload->>'projectId' = $1", [projectId])).toEqual([]);
  });

  it('refuses to create while the secret store cannot be asked (503), writing nothing', async () => {
    const { projectId, connection } = await setup();
    h.secretStore.failWith = 503;
    try {
      const res = await h.http().post(ROTATIONS).send(rotationBody(projectId, connection.id));
      expect(res.status).toBe(503);
      expect(res.body.error).toBe('SECRET_STORE.UNAVAILABLE');
    } finally {
      h.secretStore.failWith = null;
    }
    expect(await h.query('SELECT 1 FROM rotations WHERE project_id = $1', [projectId])).toEqual([]);
  });

  it('answers 404 for a connection of another project', async () => {
    const { connection } = await setup();
    const res = await h.http().post(ROTATIONS).send(rotationBody(newProjectId(), connection.id));
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('CONNECTION.NOT_FOUND');
  });
});

describe('rotating', () => {
  /** A manual rotate-secrets, sent now and answered later (it waits for its job's outcome). */
  function rotate(rotationId: string) {
    return h.http().post(`${ROTATIONS}/${rotationId}/rotate-secrets`).then((r) => r);
  }

  it('answers rotate-secrets once the job completed, with the rotation in its new state; 409 to another one meanwhile', async () => {
    const { projectId, connection } = await setup();
    const { rotation } = await createIssuedRotation(h, projectId, connection.id);

    const mark = h.mark();
    const first = rotate(rotation.id);
    const requested = await h.waitForEvent('RotationRequested', (p) => p.rotationId === rotation.id && p.reason === 'manual', mark);
    expect(requested).toMatchObject({ targetIndex: 1, generation: 2, username: rotorUsernames(rotation.id)[1] });
    const during = await h.http().get(`${ROTATIONS}/${rotation.id}`);
    expect(during.body.secretRotation).toMatchObject({ activeIndex: 0, isRotationInFlight: true, inFlightJobId: requested.jobId });
    const second = await rotate(rotation.id);
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ statusCode: 409, error: 'ROTATION.IN_FLIGHT' });

    await h.storeSecretsFor(requested);
    const res = await first;
    expect(res.status).toBe(200);
    expect(res.body.jobId).toBe(requested.jobId);
    expect(Object.keys(res.body.secretRotation)).toEqual([...SAMPLE_RESPONSE_FIELDS, ...ROTOR_ADDED_FIELDS]);
    expect(res.body.secretRotation).toMatchObject({
      activeIndex: 1, rotationStatus: 'success', lastRotationMessage: null, lastRotationJobId: requested.jobId,
      isRotationInFlight: false, inFlightJobId: null,
    });
    expect(Date.parse(res.body.secretRotation.lastRotatedAt)).toBeGreaterThan(Date.parse(rotation.lastRotatedAt));
  });

  it("answers from the row its job's settling notification carries, as a read of the rotation answers, without reading it", async () => {
    const { projectId, connection } = await setup();
    const { rotation } = await createIssuedRotation(h, projectId, connection.id);
    const mark = h.mark();
    const reads: string[] = [];
    const original = PostgresQueryRunner.prototype.query;
    const spy = jest.spyOn(PostgresQueryRunner.prototype, 'query').mockImplementation(function (this: PostgresQueryRunner, ...args) {
      if (/FROM rotations r JOIN redis_connections c/.test(args[0])) reads.push(args[0]);
      return original.apply(this, args);
    });
    try {
      const answer = rotate(rotation.id);
      const requested = await h.waitForEvent('RotationRequested', (p) => p.rotationId === rotation.id && p.reason === 'manual', mark);
      await h.storeSecretsFor(requested);
      const res = await answer;
      expect(res.status).toBe(200);
      expect(reads).toEqual([]);
      spy.mockRestore();
      const read = await h.http().get(`${ROTATIONS}/${rotation.id}`).expect(200);
      expect(res.body.secretRotation).toEqual(read.body.secretRotation);
      expect(res.body.secretRotation).toMatchObject({ activeIndex: 1, rotationStatus: 'success', lastRotationJobId: requested.jobId, isRotationInFlight: false });
    } finally {
      spy.mockRestore();
    }
  });

  it('answers a failed attempt with its message, and keeps the active credential', async () => {
    const { projectId, connection } = await setup();
    const { rotation } = await createIssuedRotation(h, projectId, connection.id);
    const mark = h.mark();
    const answer = rotate(rotation.id);
    const requested = await h.waitForEvent('RotationRequested', (p) => p.rotationId === rotation.id && p.reason === 'manual', mark);
    await h.failRequest(requested, 'verification failed on 127.0.0.1:6379');

    const res = await answer;
    expect(res.status).toBe(200);
    expect(res.body.secretRotation).toMatchObject({
      rotationStatus: 'failed', lastRotationMessage: 'verification failed on 127.0.0.1:6379', activeIndex: 0, isRotationInFlight: false,
    });
    expect(res.body.secretRotation.lastRotatedAt).toBe(rotation.lastRotatedAt);
  });

  it('answers 202 with the rotation and the job id when the job is still in flight after the wait', async () => {
    const { projectId, connection } = await setup();
    const { rotation } = await createIssuedRotation(h, projectId, connection.id);
    const started = Date.now();
    const res = await rotate(rotation.id);
    expect(res.status).toBe(202);
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_500); // the harness's rotateWaitMs, 5 s
    expect(res.body.secretRotation).toMatchObject({ activeIndex: 0, isRotationInFlight: true, inFlightJobId: res.body.jobId, lastRotationJobId: res.body.jobId });

    const requested = await h.waitForEvent('RotationRequested', (p) => p.jobId === res.body.jobId);
    await h.consumed(await h.storeSecretsFor(requested));
    const after = await h.http().get(`${ROTATIONS}/${rotation.id}`);
    expect(after.body.secretRotation).toMatchObject({ activeIndex: 1, rotationStatus: 'success', isRotationInFlight: false });
  });

  it('never answers 409 for a job the secret store already serves: it waits for that completion, then rotates', async () => {
    const { projectId, connection } = await setup();
    const { rotation } = await createIssuedRotation(h, projectId, connection.id);
    let mark = h.mark();
    let pending = rotate(rotation.id);
    let requested = await h.waitForEvent('RotationRequested', (p) => p.rotationId === rotation.id && p.reason === 'manual', mark);
    for (let i = 0; i < 5; i++) {
      // The store has the job's credential (a client can read it); its RotationSecretsStored is
      // published only once the read and the next rotate-secrets below have asked the store.
      h.secretStore.storedJobIds.add(requested.jobId);
      const calls = h.secretStore.calls.length;
      mark = h.mark();
      const next = rotate(rotation.id);
      const [read] = await Promise.all([
        h.http().get(`${ROTATIONS}/${rotation.id}`).then((r) => r),
        (async () => {
          await waitFor(async () => h.secretStore.calls.length >= calls + 2, { timeoutMs: 5_000, message: 'both requests to ask the secret store' });
          await h.storeSecretsFor(requested);
        })(),
      ]);
      const answered = await pending;
      expect(answered.status).toBe(200);
      // Both show the job completed. Each looks once that completion is recorded, and the next
      // request, woken by the same completion, may already have started its own job by then.
      for (const view of [read.body.secretRotation, answered.body.secretRotation]) {
        expect(view).toMatchObject({ activeIndex: requested.targetIndex, rotationStatus: 'success' });
        expect(view.inFlightJobId).not.toBe(requested.jobId);
        if (view.inFlightJobId === null) expect(view.lastRotationJobId).toBe(requested.jobId);
      }
      // The next request was accepted as a rotation of its own, not refused as in flight.
      requested = await h.waitForEvent('RotationRequested', (p) => p.rotationId === rotation.id && p.jobId !== requested.jobId && p.reason === 'manual', mark);
      pending = next;
    }
    await h.storeSecretsFor(requested);
    expect((await pending).status).toBe(200);
  });

  it('requests a scheduled rotation when it is due, and ignores a second due while that one is in flight', async () => {
    const { projectId, connection } = await setup();
    const { rotation } = await createIssuedRotation(h, projectId, connection.id);
    const due = (attempt: number): PayloadOf<'RotationDue'> => ({
      rotationId: rotation.id, dueAt: rotation.nextRotationAt, reason: 'scheduled', attempt, emittedAt: new Date().toISOString(),
    });
    await h.publish('RotationDue', rotation.id, due(1));
    const requested = await h.waitForEvent('RotationRequested', (p) => p.rotationId === rotation.id && p.reason === 'scheduled');
    expect(requested).toMatchObject({ dueAt: rotation.nextRotationAt, targetIndex: 1 });

    await h.consumed(await h.publish('RotationDue', rotation.id, due(2)));
    await h.storeSecretsFor(requested);
    const completed = await h.waitForEvent('RotationCompleted', (p) => p.jobId === requested.jobId);
    // The chain continues from the due time: exactly two days later.
    expect(new Date(completed.nextRotationAt as string).getTime() - new Date(rotation.nextRotationAt).getTime()).toBe(2 * 86_400_000);
    const requests = h.eventsOf(rotation.id).filter((e) => e.type === 'RotationRequested');
    expect(requests).toHaveLength(2); // the initial one and one scheduled
  });
  it('names who asked for a manual rotation and Rotor for a scheduled one, in the events and the history', async () => {
    const { projectId, connection } = await setup();
    const { rotation } = await createIssuedRotation(h, projectId, connection.id);
    const actor = { type: 'identity', id: 'b7e7d0b2-6a3e-4f0e-9d57-2f1a7c3e9a10', name: 'ci-deployer', tokenId: '5d1c9a3e-2b4f-4e6a-8c7d-9e0f1a2b3c4d' };
    const correlationId = 'a0d3c0c1-7e2f-4b9a-8c6d-5e4f3a2b1c0d';
    // Answered once its job completed (below): sent now, awaited after the secrets are stored.
    const answer = h.http().post(`${ROTATIONS}/${rotation.id}/rotate-secrets`)
      .set(ACTOR_HEADER, encodeActorHeader(actor as Actor)).set(CORRELATION_ID_HEADER, correlationId).then((r) => r);
    const manual = await h.waitForEvent('RotationRequested', (p) => p.rotationId === rotation.id && p.reason === 'manual');
    expect(manual.requestedBy).toEqual(actor);
    expect(h.eventsOf(rotation.id).find((e) => e.type === 'RotationRequested' && e.payload.jobId === manual.jobId)?.correlationId).toBe(correlationId);
    await h.storeSecretsFor(manual);
    const done = await h.waitForEvent('RotationCompleted', (p) => p.jobId === manual.jobId);
    expect((await answer).status).toBe(200);

    await h.publish('RotationDue', rotation.id, {
      rotationId: rotation.id, dueAt: done.nextRotationAt as string, reason: 'scheduled', attempt: 1, emittedAt: new Date().toISOString(),
    });
    const scheduled = await h.waitForEvent('RotationRequested', (p) => p.rotationId === rotation.id && p.reason === 'scheduled');
    expect(scheduled.requestedBy).toEqual({ type: 'rotor' });

    const history = (await h.http().get(`${ROTATIONS}/${rotation.id}/history`).expect(200)).body.history as { type: string; jobId: string | null; actor: unknown }[];
    const manualEntry = history.find((e) => e.type === 'RotationRequested' && e.jobId === manual.jobId);
    expect(manualEntry?.actor).toEqual({ type: 'identity', id: actor.id, name: actor.name, tokenId: actor.tokenId });
    expect(history.find((e) => e.type === 'RotationCompleted' && e.jobId === manual.jobId)?.actor).toEqual({ type: 'rotor', name: 'Rotor' });
    expect(history.find((e) => e.type === 'RotationRequested' && e.jobId === scheduled.jobId)?.actor).toEqual({ type: 'rotor', name: 'Rotor' });
  });

  it('starts one rotation when manual requests race each other and a due time (the others get 409 or are ignored)', async () => {
    const { projectId, connection } = await setup();
    const { rotation } = await createIssuedRotation(h, projectId, connection.id);
    const due: PayloadOf<'RotationDue'> = {
      rotationId: rotation.id, dueAt: rotation.nextRotationAt, reason: 'scheduled', attempt: 1, emittedAt: new Date().toISOString(),
    };
    const [answers, dueEventId] = await Promise.all([
      Promise.all(Array.from({ length: 4 }, () => h.http().post(`${ROTATIONS}/${rotation.id}/rotate-secrets`).then((r) => r))),
      h.publish('RotationDue', rotation.id, due),
    ]);
    // An accepted request waits for its job, which nobody stores here: 202 after the wait.
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses.every((s) => s === 202 || s === 409)).toBe(true);
    expect(statuses.filter((s) => s === 202).length).toBeLessThanOrEqual(1);

    // The due time was consumed: it became the one rotation, or was ignored.
    await h.consumed(dueEventId);
    const requests = await h.query<{ generation: number }>(
      "SELECT (payload->>'generation')::int AS generation FROM es_events WHERE aggregate_id = $1 AND type = 'RotationRequested' ORDER BY version",
      [rotation.id],
    );
    expect(requests.map((r) => r.generation)).toEqual([1, 2]);
  });
});

describe('reading and changing', () => {
  it('lists by project, finds by name, and hides rotations of other projects', async () => {
    const { projectId, connection } = await setup();
    const { rotation } = await createIssuedRotation(h, projectId, connection.id, { folder: { id: 'f-1', path: '/app/redis' }, secretPath: '/app/redis' });

    const list = await h.http().get(`${ROTATIONS}?projectId=${projectId}`).expect(200);
    expect(list.body.secretRotations.map((r: { id: string }) => r.id)).toEqual([rotation.id]);
    const byName = await h.http().get(`${ROTATIONS}/rotation-name/my-redis-rotation?projectId=${projectId}&environment=dev&secretPath=/app/redis/`).expect(200);
    expect(byName.body.secretRotation.id).toBe(rotation.id);
    await h.http().get(`${ROTATIONS}/rotation-name/my-redis-rotation?projectId=${projectId}&environment=prod&secretPath=/app/redis`).expect(404);

    const other = newProjectId();
    await h.http().get(`${ROTATIONS}/${rotation.id}?projectId=${other}`).expect(404);
    await h.http().patch(`${ROTATIONS}/${rotation.id}?projectId=${other}`).send({ name: 'stolen' }).expect(404);
    await h.http().delete(`${ROTATIONS}/${rotation.id}?projectId=${other}`).expect(404);
    await h.http().post(`${ROTATIONS}/${rotation.id}/rotate-secrets?projectId=${other}`).expect(404);
    await h.http().get(`${ROTATIONS}/${rotation.id}/history?projectId=${other}`).expect(404);
    expect((await h.http().get(`${ROTATIONS}?projectId=${other}`)).body).toEqual({ secretRotations: [] });
  });

  it('applies a PATCH, replans the next due time and publishes RotationUpdated with the new settings', async () => {
    const { projectId, connection } = await setup();
    const { rotation } = await createIssuedRotation(h, projectId, connection.id);
    const res = await h.http().patch(`${ROTATIONS}/${rotation.id}`).send({
      name: 'renamed', rotationInterval: 7, rotateAtUtc: { hours: 3, minutes: 0 }, parameters: { permissionScope: '~app:* +@read' },
    });
    expect(res.status).toBe(200);
    const updated = res.body.secretRotation;
    expect(updated).toMatchObject({ name: 'renamed', rotationInterval: 7, rotateAtUtc: { hours: 3, minutes: 0 } });
    expect(updated.parameters).toEqual({ ...rotation.parameters, permissionScope: '~app:* +@read' });
    const next = new Date(updated.nextRotationAt);
    expect(next.getUTCHours()).toBe(3);
    expect(next.getTime() - new Date(rotation.lastRotatedAt).getTime()).toBeGreaterThanOrEqual(7 * 86_400_000);

    const event = await h.waitForEvent('RotationUpdated', (p) => p.rotationId === rotation.id);
    expect(event).toMatchObject({ changedFields: ['name', 'rotationInterval', 'rotateAtUtc', 'parameters'], name: 'renamed', nextRotationAt: updated.nextRotationAt });

    const off = await h.http().patch(`${ROTATIONS}/${rotation.id}`).send({ isAutoRotationEnabled: false }).expect(200);
    expect(off.body.secretRotation).toMatchObject({ isAutoRotationEnabled: false, nextRotationAt: null });
  });

  it('applies concurrent PATCHes of different fields, retrying the ones that lost the race for the stream version', async () => {
    const { projectId, connection } = await setup();
    const { rotation } = await createIssuedRotation(h, projectId, connection.id);
    const patches = [{ name: 'renamed' }, { description: 'changed' }, { rotationInterval: 9 }, { secretsMapping: { username: 'RU', password: 'RP' } }];
    const answers = await Promise.all(patches.map((p) => h.http().patch(`${ROTATIONS}/${rotation.id}`).send(p).then((r) => r)));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const after = (await h.http().get(`${ROTATIONS}/${rotation.id}`)).body.secretRotation;
    expect(after).toMatchObject({ name: 'renamed', description: 'changed', rotationInterval: 9, secretsMapping: { username: 'RU', password: 'RP' } });
    const mapped = await h.query<{ secret_name: string }>('SELECT secret_name FROM rotation_secret_names WHERE rotation_id = $1 ORDER BY 1', [rotation.id]);
    expect(mapped.map((m) => m.secret_name)).toEqual(['RP', 'RU']);
  });

  it('lists the history with times and job ids, and no secret', async () => {
    const { projectId, connection } = await setup();
    const { rotation, requested } = await createIssuedRotation(h, projectId, connection.id);
    const answer = h.http().post(`${ROTATIONS}/${rotation.id}/rotate-secrets`).then((r) => r);
    const manual = await h.waitForEvent('RotationRequested', (p) => p.rotationId === rotation.id && p.reason === 'manual');
    await h.failRequest(manual, 'NOAUTH on 127.0.0.1:6379');
    expect((await answer).status).toBe(200);

    const res = await h.http().get(`${ROTATIONS}/${rotation.id}/history`).expect(200);
    const history = res.body.history as { type: string; jobId: string | null; occurredAt: string; version: number }[];
    expect(history.map((e) => [e.type, e.jobId])).toEqual([
      ['RotationCreated', null],
      ['RotationRequested', requested.jobId],
      ['RotationCompleted', requested.jobId],
      ['RotationRequested', manual.jobId],
      ['RotationAttemptFailed', manual.jobId],
    ]);
    expect(history.every((e) => !Number.isNaN(Date.parse(e.occurredAt)))).toBe(true);
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(h.admin.password);
    expect(text).not.toContain('enc:v1:');
  });
});

describe('deleting', () => {
  it('emits RevocationRequested naming both Rotor users when revokeGeneratedCredentials is set', async () => {
    const { projectId, connection } = await setup();
    const { rotation } = await createIssuedRotation(h, projectId, connection.id);

    const res = await h.http().delete(`${ROTATIONS}/${rotation.id}?deleteSecrets=true&revokeGeneratedCredentials=true`);
    expect(res.status).toBe(200);
    expect(res.body.secretRotation.id).toBe(rotation.id);

    const deleted = await h.waitForEvent('RotationDeleted', (p) => p.rotationId === rotation.id);
    expect(deleted).toMatchObject({ deleteSecrets: true, revokeGeneratedCredentials: true, secretsMapping: rotation.secretsMapping, environment: 'dev', secretPath: '/' });
    const revocation = await h.waitForEvent('RevocationRequested', (p) => p.rotationId === rotation.id);
    expect(revocation.usernames).toEqual(rotorUsernames(rotation.id));
    expect(revocation.connection).toMatchObject({ connectionId: connection.id, password: expect.stringMatching(/^enc:v1:/) });

    await h.http().get(`${ROTATIONS}/${rotation.id}`).expect(404);
    await h.http().post(`${ROTATIONS}/${rotation.id}/rotate-secrets`).expect(404);
  });

  it('does not ask for revocation when revokeGeneratedCredentials is not set', async () => {
    const { projectId, connection } = await setup();
    const { rotation } = await createIssuedRotation(h, projectId, connection.id);
    await h.http().delete(`${ROTATIONS}/${rotation.id}`).expect(200);
    const deleted = await h.waitForEvent('RotationDeleted', (p) => p.rotationId === rotation.id);
    expect(deleted).toMatchObject({ deleteSecrets: false, revokeGeneratedCredentials: false });
    const stream = await h.query<{ type: string }>('SELECT type FROM es_events WHERE aggregate_id = $1 ORDER BY version', [rotation.id]);
    expect(stream.map((e) => e.type)).toEqual(['RotationCreated', 'RotationRequested', 'RotationCompleted', 'RotationDeleted']);
  });
});

describe('at rest and at the door', () => {
  it('keeps no plaintext admin password in any Postgres table', async () => {
    const { projectId, connection } = await setup();
    await createIssuedRotation(h, projectId, connection.id);
    const dump = await h.dumpDatabase();
    expect(dump).toContain(connection.id); // the dump does see this connection's rows
    expect(dump).not.toContain(h.admin.password);
    const [row] = await h.query<{ password_sealed: string }>('SELECT password_sealed FROM redis_connections WHERE id = $1', [connection.id]);
    expect(row.password_sealed).toMatch(/^enc:v1:/);
  });

  it('refuses a caller without the internal token', async () => {
    const res = await h.http().raw().get(`${ROTATIONS}?projectId=p`);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('AUTH.INTERNAL_TOKEN');
  });
});
