import { PayloadOf } from '@rotor/contracts';
import { Harness, newProjectId, REDIS } from './harness';
import { ROTATIONS, createConnection, createIssuedRotation } from './fixtures';

jest.setTimeout(60_000);

const h = new Harness('config_verification');
beforeAll(() => h.start(), 60_000);
afterAll(() => h.stop(), 30_000);

const NODE = `${REDIS.host}:${REDIS.port}`;

async function issued() {
  const projectId = newProjectId();
  const connection = await createConnection(h, projectId);
  return createIssuedRotation(h, projectId, connection.id);
}

/** The executor's check, as it would publish it. */
async function verified(
  requested: PayloadOf<'RotationRequested'>, status: 'healthy' | 'drifted' | 'unverifiable', generation = requested.generation,
): Promise<string> {
  const username = requested.username;
  const eventId = await h.publish('CredentialsVerified', requested.rotationId, {
    rotationId: requested.rotationId,
    projectId: requested.projectId,
    generation,
    status,
    failures: status === 'drifted' ? [{ slot: 'active', username, node: NODE, answer: 'WRONGPASS invalid username-password pair or user is disabled.' }] : [],
    nodes: [NODE],
    message: status === 'drifted' ? `Served credential drifted: active user ${username} rejected on ${NODE} (WRONGPASS …).` : 'The active credential authenticates on 1 node(s).',
    verifiedAt: new Date().toISOString(),
  });
  await h.consumed(eventId);
  return eventId;
}

async function view(id: string) {
  return (await h.http().get(`${ROTATIONS}/${id}`).expect(200)).body.secretRotation;
}

describe('continuous verification in the rotation answer', () => {
  it('starts unknown, then shows the last check with its time and message', async () => {
    const { rotation, requested } = await issued();
    expect(rotation).toMatchObject({ verificationStatus: null, lastVerifiedAt: null, lastVerificationMessage: null });

    await verified(requested, 'healthy');
    const after = await view(rotation.id);
    expect(after).toMatchObject({ verificationStatus: 'healthy', lastVerificationMessage: 'The active credential authenticates on 1 node(s).', rotationStatus: 'success' });
    expect(new Date(after.lastVerifiedAt).toISOString()).toBe(after.lastVerifiedAt);
  });
});

describe('healing a drifted credential', () => {
  it('says drifted, tells other services, and heals through a rotation that keeps the regular chain', async () => {
    const { rotation, requested } = await issued();
    const mark = h.mark();
    await verified(requested, 'drifted');

    const drifted = await h.waitForEvent('RotationDrifted', (p) => p.rotationId === rotation.id, mark);
    expect(drifted).toMatchObject({ generation: 1, environment: 'dev', secretPath: '/', failures: [{ slot: 'active', node: NODE }] });
    const heal = await h.waitForEvent('RotationRequested', (p) => p.rotationId === rotation.id && p.reason === 'heal', mark);
    expect(heal).toMatchObject({ generation: 2, targetIndex: 1, dueAt: null });
    expect(await view(rotation.id)).toMatchObject({ verificationStatus: 'drifted', lastVerificationMessage: expect.stringContaining('WRONGPASS') });

    // A second drifted result while the heal is in flight asks for nothing more.
    await verified(requested, 'drifted');
    await h.storeSecretsFor(heal);
    const completed = await h.waitForEvent('RotationCompleted', (p) => p.jobId === heal.jobId, mark);
    expect(completed).toMatchObject({ reason: 'heal', activeIndex: 1, nextRotationAt: rotation.nextRotationAt });
    expect(h.eventsOf(rotation.id).filter((e) => e.type === 'RotationRequested' && e.payload.reason === 'heal')).toHaveLength(1);

    await verified(heal, 'healthy');
    const healed = await h.waitForEvent('RotationHealed', (p) => p.rotationId === rotation.id, mark);
    expect(healed).toMatchObject({ generation: 2, driftedAt: drifted.detectedAt });
    expect(await view(rotation.id)).toMatchObject({ verificationStatus: 'healthy', activeIndex: 1, rotationStatus: 'success', nextRotationAt: rotation.nextRotationAt });
  });

  it('reports a failed heal like a failed rotation, and heals again on the next drifted result', async () => {
    const { rotation, requested } = await issued();
    const mark = h.mark();
    await verified(requested, 'drifted');
    const heal = await h.waitForEvent('RotationRequested', (p) => p.rotationId === rotation.id && p.reason === 'heal', mark);
    await h.failRequest(heal, '[REDIS.UNREACHABLE] Cannot reach Redis at 127.0.0.1:6379');
    await h.waitForEvent('RotationAttemptFailed', (p) => p.jobId === heal.jobId, mark);
    expect(await view(rotation.id)).toMatchObject({ rotationStatus: 'failed', lastRotationMessage: '[REDIS.UNREACHABLE] Cannot reach Redis at 127.0.0.1:6379', verificationStatus: 'drifted' });

    await verified(requested, 'drifted');
    const again = await h.waitForEvent('RotationRequested', (p) => p.rotationId === rotation.id && p.reason === 'heal' && p.jobId !== heal.jobId, mark);
    expect(again).toMatchObject({ generation: 3, targetIndex: 1 });
    // One drift, one event: the transition is told once.
    expect(h.eventsOf(rotation.id).filter((e) => e.type === 'RotationDrifted')).toHaveLength(1);
  });

  it('heals nothing on an unverifiable result, nor on a drifted result about a generation already replaced', async () => {
    const { rotation, requested } = await issued();
    await verified(requested, 'unverifiable');
    expect(await view(rotation.id)).toMatchObject({ verificationStatus: 'unverifiable' });

    const answer = h.http().post(`${ROTATIONS}/${rotation.id}/rotate-secrets`).then((r) => r); // answered once its job completed
    const manual = await h.waitForEvent('RotationRequested', (p) => p.rotationId === rotation.id && p.reason === 'manual');
    await h.storeSecretsFor(manual);
    await h.waitForEvent('RotationCompleted', (p) => p.jobId === manual.jobId);
    expect((await answer).status).toBe(200);
    await verified(requested, 'drifted', 1);

    expect(await view(rotation.id)).toMatchObject({ verificationStatus: 'unverifiable', activeIndex: 1 });
    expect(h.eventsOf(rotation.id).filter((e) => e.type === 'RotationRequested' && e.payload.reason === 'heal')).toHaveLength(0);
    expect(h.eventsOf(rotation.id).filter((e) => e.type === 'RotationDrifted')).toHaveLength(0);
  });
});
