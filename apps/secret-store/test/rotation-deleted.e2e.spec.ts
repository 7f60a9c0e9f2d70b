import { secretsOf } from './support/db';
import { waitUntilConsumed } from './support/consumed';
import { EventProducer, Rotation, credentialsRotated, newRotation, rotationDeleted, uniquePassword } from './support/events';
import { SecretStoreHarness } from './support/harness';

jest.setTimeout(60_000);

describe('secret store: RotationDeleted on the real stack', () => {
  const h = new SecretStoreHarness('deleted');

  const query = (r: Rotation) => `projectId=${r.projectId}&environment=${r.environment}&secretPath=${r.secretPath}`;

  async function deliver(...events: Parameters<EventProducer['send']>[0][]): Promise<void> {
    for (const event of events) await waitUntilConsumed(h.stack.kafka, h.stack.groupId, await h.producer.send(event));
  }

  async function credentialRows(rotationId: string): Promise<number> {
    const [{ n }] = await h.stack.db.query('SELECT count(*)::int AS n FROM rotation_credentials WHERE rotation_id = $1', [rotationId]);
    return n;
  }

  beforeAll(() => h.start());
  afterAll(() => h.stop());

  it('removes the mapped secrets, their versions and the credentials when deleteSecrets is set', async () => {
    const r = newRotation();
    // An ordinary secret in the same folder is not the rotation's to remove.
    await h.app.post('/internal/secrets/raw/UNRELATED').send({ projectId: r.projectId, environment: r.environment, secretPath: r.secretPath, secretValue: 'keep' }).expect(200);
    await deliver(credentialsRotated(h.stack.cipher, r, 1, uniquePassword()), credentialsRotated(h.stack.cipher, r, 2, uniquePassword()));
    expect(await secretsOf(h.stack.db, r.projectId)).toHaveLength(3);

    await deliver(rotationDeleted(r, true));

    expect(await secretsOf(h.stack.db, r.projectId)).toEqual([{ secret_key: 'UNRELATED', version: 1, rotation_id: null }]);
    const [{ n }] = await h.stack.db.query(
      'SELECT count(*)::int AS n FROM secret_versions v JOIN secrets s ON s.id = v.secret_id WHERE s.project_id = $1',
      [r.projectId],
    );
    expect(n).toBe(1);
    expect(await credentialRows(r.rotationId)).toBe(0);
    await h.app.get(`/internal/secrets/raw/REDIS_PASSWORD?${query(r)}`).expect(404);
    await h.app.get(`/internal/rotations/${r.rotationId}/generated-credentials?projectId=${r.projectId}`).expect(404);
  });

  it('keeps the secrets as ordinary, editable secrets when deleteSecrets is not set', async () => {
    const r = newRotation();
    const password = uniquePassword();
    await deliver(credentialsRotated(h.stack.cipher, r, 1, password), rotationDeleted(r, false));

    expect(await secretsOf(h.stack.db, r.projectId)).toEqual([
      { secret_key: 'REDIS_PASSWORD', version: 1, rotation_id: null },
      { secret_key: 'REDIS_USERNAME', version: 1, rotation_id: null },
    ]);
    const read = await h.app.get(`/internal/secrets/raw/REDIS_PASSWORD?${query(r)}`).expect(200);
    expect(read.body.secret).toMatchObject({ secretValue: password, version: 1, rotationId: null });
    expect(await credentialRows(r.rotationId)).toBe(0);

    const body = { projectId: r.projectId, environment: r.environment, secretPath: r.secretPath, secretValue: 'now-mine' };
    const edited = await h.app.patch('/internal/secrets/raw/REDIS_PASSWORD').send(body).expect(200);
    expect(edited.body.secret).toMatchObject({ version: 2, secretValue: 'now-mine', rotationId: null });
  });

  it('ignores a CredentialsRotated that arrives after the rotation was deleted', async () => {
    const kept = newRotation();
    const removed = newRotation();
    const password = uniquePassword();
    await deliver(
      credentialsRotated(h.stack.cipher, kept, 1, password),
      rotationDeleted(kept, false),
      credentialsRotated(h.stack.cipher, kept, 2, uniquePassword()),
      rotationDeleted(removed, true),
      credentialsRotated(h.stack.cipher, removed, 1, uniquePassword()),
    );

    expect(await secretsOf(h.stack.db, kept.projectId)).toEqual([
      { secret_key: 'REDIS_PASSWORD', version: 1, rotation_id: null },
      { secret_key: 'REDIS_USERNAME', version: 1, rotation_id: null },
    ]);
    expect((await h.app.get(`/internal/secrets/raw/REDIS_PASSWORD?${query(kept)}`).expect(200)).body.secret.secretValue).toBe(password);
    expect(await secretsOf(h.stack.db, removed.projectId)).toEqual([]);
    expect(await credentialRows(removed.rotationId)).toBe(0);
  });

  it('leaves the secrets of other rotations alone', async () => {
    const a = newRotation();
    const b = newRotation({ projectId: a.projectId, secretsMapping: { username: 'B_USER', password: 'B_PASS' } });
    await deliver(
      credentialsRotated(h.stack.cipher, a, 1, uniquePassword()),
      credentialsRotated(h.stack.cipher, b, 1, uniquePassword()),
      rotationDeleted(a, true),
    );
    expect(await secretsOf(h.stack.db, a.projectId)).toEqual([
      { secret_key: 'B_PASS', version: 1, rotation_id: b.rotationId },
      { secret_key: 'B_USER', version: 1, rotation_id: b.rotationId },
    ]);
    expect(await credentialRows(b.rotationId)).toBe(1);
  });
});
