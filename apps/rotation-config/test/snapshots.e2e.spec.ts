import { ROTATION_ERRORS } from '@rotor/rotation-domain';
import { rotationStreamId, RotationCommandRunner } from '../src/rotations/rotation-command-runner';
import { SNAPSHOT_SHAPE } from '../src/rotations/rotation-snapshots';
import { Harness, newProjectId } from './harness';
import { ROTATIONS, createConnection, createIssuedRotation } from './fixtures';

jest.setTimeout(60_000);

const h = new Harness('config_snapshots');
beforeAll(() => h.start(), 60_000);
afterAll(() => h.stop(), 30_000);

const runner = () => h.app.get(RotationCommandRunner);

async function issued() {
  const projectId = newProjectId();
  const connection = await createConnection(h, projectId);
  return (await createIssuedRotation(h, projectId, connection.id)).rotation;
}

async function snapshotRow(rotationId: string) {
  const [row] = await h.query<{ version: number; shape: number }>('SELECT version, shape FROM rotation_snapshots WHERE rotation_id = $1', [rotationId]);
  const [stream] = await h.query<{ n: number }>('SELECT count(*)::int AS n FROM es_events WHERE stream_id = $1', [rotationStreamId(rotationId)]);
  return { row, streamVersion: stream.n };
}

/** The snapshot row is there, at the stream's version, and equals a replay of the stream. */
async function expectSnapshotEqualsReplay(rotationId: string): Promise<void> {
  const { row, streamVersion } = await snapshotRow(rotationId);
  expect(row).toEqual({ version: streamVersion, shape: SNAPSHOT_SHAPE });
  expect(await runner().load(rotationId)).toEqual(await runner().replay(rotationId));
}

function rotate(rotationId: string) {
  return h.http().post(`${ROTATIONS}/${rotationId}/rotate-secrets`).then((r) => r);
}

describe('the rotation snapshot', () => {
  it('equals the replay of the stream after every kind of change', async () => {
    const rotation = await issued();
    await expectSnapshotEqualsReplay(rotation.id);

    let mark = h.mark();
    let answer = rotate(rotation.id);
    let requested = await h.waitForEvent('RotationRequested', (p) => p.rotationId === rotation.id && p.reason === 'manual', mark);
    await expectSnapshotEqualsReplay(rotation.id);
    await h.storeSecretsFor(requested);
    expect((await answer).status).toBe(200);
    await expectSnapshotEqualsReplay(rotation.id);

    mark = h.mark();
    answer = rotate(rotation.id);
    requested = await h.waitForEvent('RotationRequested', (p) => p.rotationId === rotation.id && p.reason === 'manual', mark);
    await h.failRequest(requested, 'verification failed on 127.0.0.1:6379');
    expect((await answer).body.secretRotation).toMatchObject({ rotationStatus: 'failed' });
    await expectSnapshotEqualsReplay(rotation.id);

    await h.http().patch(`${ROTATIONS}/${rotation.id}`).send({ name: 'renamed', rotationInterval: 9 }).expect(200);
    await expectSnapshotEqualsReplay(rotation.id);
    await h.http().delete(`${ROTATIONS}/${rotation.id}`).expect(200);
    await expectSnapshotEqualsReplay(rotation.id);
    expect((await runner().load(rotation.id)).state.status).toBe('deleted');
  });

  it('is what commands decide on: a row read, not the stream', async () => {
    const rotation = await issued();
    // Only the snapshot says a job is in flight; a replay would let the rotation start.
    await h.query(
      `UPDATE rotation_snapshots SET state = jsonb_set(state, '{inFlight}', $2::jsonb) WHERE rotation_id = $1`,
      [rotation.id, JSON.stringify({ jobId: '7b0c7e3e-3c1f-4a59-9d1e-2f1a4f0d1c11', generation: 9, targetIndex: 1, reason: 'manual', attempt: 1, dueAt: null })],
    );
    const res = await rotate(rotation.id);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: ROTATION_ERRORS.inFlight });
  });

  it('falls back to replaying the stream when the row is missing or of another shape, and is rewritten by the next change', async () => {
    const rotation = await issued();
    const replayed = await runner().replay(rotation.id);

    await h.query(`UPDATE rotation_snapshots SET shape = $2, state = '{}'::jsonb WHERE rotation_id = $1`, [rotation.id, SNAPSHOT_SHAPE - 1]);
    expect(await runner().load(rotation.id)).toEqual(replayed);
    await h.query('DELETE FROM rotation_snapshots WHERE rotation_id = $1', [rotation.id]);
    expect(await runner().load(rotation.id)).toEqual(replayed);

    const mark = h.mark();
    const answer = rotate(rotation.id);
    const requested = await h.waitForEvent('RotationRequested', (p) => p.rotationId === rotation.id && p.reason === 'manual', mark);
    await h.storeSecretsFor(requested);
    expect((await answer).status).toBe(200);
    await expectSnapshotEqualsReplay(rotation.id);
  });
});
