import { TOPICS, dlqTopic } from '@rotor/contracts';
import { CollectedMessage, TopicOffsets, collectMessages, startCollecting, topicOffsets } from '@rotor/testing';
import { secretValueContext } from '../src/secrets/secret-sealer';
import { SecretView } from '../src/secrets/secret.view';
import { allRowsAsText, outboxCount, secretsOf, versionCount } from './support/db';
import { rewindGroupTo, waitUntilConsumed } from './support/consumed';
import { Rotation, credentialsRotated, newRotation, uniquePassword, usernameFor } from './support/events';
import { SecretStoreHarness, Stack, startApp } from './support/harness';

jest.setTimeout(90_000);

const SCANNED_TOPICS = [TOPICS.executorEvents, dlqTopic(TOPICS.executorEvents), TOPICS.secretsInternal, TOPICS.secretsPublic];

describe('secret store: CredentialsRotated on the real stack', () => {
  const h = new SecretStoreHarness('rotated');
  let since: Record<string, TopicOffsets>;
  const passwords = new Set<string>();
  const rotations: Rotation[] = [];

  const folderQuery = (r: Rotation) => `projectId=${r.projectId}&environment=${r.environment}&secretPath=${r.secretPath}`;

  async function readPair(r: Rotation): Promise<{ username?: SecretView; password?: SecretView }> {
    const res = await h.app.get(`/internal/secrets/raw?${folderQuery(r)}`).expect(200);
    const secrets = res.body.secrets as SecretView[];
    return {
      username: secrets.find((s) => s.secretKey === r.secretsMapping.username),
      password: secrets.find((s) => s.secretKey === r.secretsMapping.password),
    };
  }

  function track(r: Rotation = newRotation()): Rotation {
    rotations.push(r);
    return r;
  }

  function password(): string {
    const p = uniquePassword();
    passwords.add(p);
    return p;
  }

  beforeAll(() =>
    h.start(async (stack) => {
      since = Object.fromEntries(await Promise.all(SCANNED_TOPICS.map(async (t) => [t, await topicOffsets(stack.kafka, t)])));
    }),
  );
  afterAll(() => h.stop());

  it('writes both mapped secrets in one commit: every read sees a username and password of the same rotation', async () => {
    const r = track();
    const generations = 8;
    const sent = Array.from({ length: generations }, () => password());
    const snapshots: { username?: SecretView; password?: SecretView }[] = [];
    const reader = (async () => {
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        const pair = await readPair(r);
        snapshots.push(pair);
        if (pair.password?.version === generations) return;
      }
      throw new Error(`generation ${generations} not stored within 30 s`);
    })();
    for (let g = 1; g <= generations; g++) await h.producer.send(credentialsRotated(h.stack.cipher, r, g, sent[g - 1]));
    await reader;

    const seen = snapshots.filter((s) => s.username || s.password);
    expect(seen.length).toBeGreaterThan(0);
    for (const { username, password: pass } of seen) {
      expect(username && pass).toBeTruthy();
      // Both secrets started together, so their versions move in lock step: version = generation.
      expect(username?.version).toBe(pass?.version);
      const g = pass?.version as number;
      expect(pass?.secretValue).toBe(sent[g - 1]);
      expect(username?.secretValue).toBe(usernameFor(r, g % 2 === 1 ? 0 : 1));
      expect(username?.updatedAt).toBe(pass?.updatedAt);
      expect(pass?.rotationId).toBe(r.rotationId);
    }
    expect(await versionCount(h.stack.db, r.projectId)).toBe(2 * generations);

    const creds = await h.app.get(`/internal/rotations/${r.rotationId}/generated-credentials?projectId=${r.projectId}`).expect(200);
    expect(creds.body).toEqual({
      generatedCredentials: [
        { username: usernameFor(r, 0), password: sent[generations - 2] },
        { username: usernameFor(r, 1), password: sent[generations - 1] },
      ],
      activeIndex: 1,
      rotationId: r.rotationId,
      type: 'redis-credentials',
    });
  });

  it('announces the new versions with RotationSecretsStored and the public SecretsUpdated, keys and versions only', async () => {
    const r = track();
    const publicSince = await topicOffsets(h.stack.kafka, TOPICS.secretsPublic);
    const internalSince = await topicOffsets(h.stack.kafka, TOPICS.secretsInternal);
    const event = credentialsRotated(h.stack.cipher, r, 1, password());
    const ofRotation = (m: CollectedMessage) => m.key === r.rotationId;
    const [publicMessages, internalMessages] = await Promise.all([
      collectMessages(h.stack.kafka, TOPICS.secretsPublic, 1, { since: publicSince, filter: ofRotation, timeoutMs: 30_000 }),
      collectMessages(h.stack.kafka, TOPICS.secretsInternal, 1, { since: internalSince, filter: ofRotation, timeoutMs: 30_000 }),
      h.producer.send(event),
    ]);

    const updated = JSON.parse(publicMessages[0].value as string);
    expect(updated).toMatchObject({ type: 'SecretsUpdated', aggregateId: r.rotationId, causationId: event.eventId });
    expect(updated.payload).toEqual({
      projectId: r.projectId,
      environment: r.environment,
      secretPath: r.secretPath,
      rotationId: r.rotationId,
      secrets: [
        { key: 'REDIS_USERNAME', version: 1 },
        { key: 'REDIS_PASSWORD', version: 1 },
      ],
      updatedAt: expect.any(String),
    });
    const stored = JSON.parse(internalMessages[0].value as string);
    expect(stored).toMatchObject({
      type: 'RotationSecretsStored',
      causationId: event.eventId,
      correlationId: event.correlationId,
      payload: { rotationId: r.rotationId, jobId: event.payload.jobId, generation: 1, activeIndex: 0, versions: { username: 1, password: 1 } },
    });
  });

  it('applies a replayed event (same eventId) once, whatever the replay carries', async () => {
    const r = track();
    const first = password();
    const event = credentialsRotated(h.stack.cipher, r, 1, first);
    await waitUntilConsumed(h.stack.kafka, h.stack.groupId, await h.producer.send(event));
    expect(await outboxCount(h.stack.db, r.rotationId)).toBe(2);

    await h.producer.send(event);
    // Same eventId with a newer generation: only the inbox can tell it was seen before.
    const forged = credentialsRotated(h.stack.cipher, r, 2, password(), { eventId: event.eventId });
    await waitUntilConsumed(h.stack.kafka, h.stack.groupId, await h.producer.send(forged));

    expect(await secretsOf(h.stack.db, r.projectId)).toEqual([
      { secret_key: 'REDIS_PASSWORD', version: 1, rotation_id: r.rotationId },
      { secret_key: 'REDIS_USERNAME', version: 1, rotation_id: r.rotationId },
    ]);
    expect(await versionCount(h.stack.db, r.projectId)).toBe(2);
    expect(await outboxCount(h.stack.db, r.rotationId)).toBe(2);
    expect((await readPair(r)).password?.secretValue).toBe(first);
  });

  it('ignores an event whose generation is not newer than the one it holds', async () => {
    const r = track();
    const current = password();
    await h.producer.send(credentialsRotated(h.stack.cipher, r, 2, password()));
    await waitUntilConsumed(h.stack.kafka, h.stack.groupId, await h.producer.send(credentialsRotated(h.stack.cipher, r, 3, current)));

    await h.producer.send(credentialsRotated(h.stack.cipher, r, 1, password()));
    await waitUntilConsumed(h.stack.kafka, h.stack.groupId, await h.producer.send(credentialsRotated(h.stack.cipher, r, 3, password())));

    const pair = await readPair(r);
    expect(pair.password).toMatchObject({ version: 2, secretValue: current });
    expect(pair.username).toMatchObject({ version: 2, secretValue: usernameFor(r, 0) });
    expect(await versionCount(h.stack.db, r.projectId)).toBe(4);
    expect(await outboxCount(h.stack.db, r.rotationId)).toBe(4);
  });

  it('does not write twice when a restarted consumer gets a message it applied but never committed', async () => {
    const r = track();
    const value = password();
    const landed = await h.producer.send(credentialsRotated(h.stack.cipher, r, 1, value));
    await waitUntilConsumed(h.stack.kafka, h.stack.groupId, landed);
    await h.app.close();

    // The crash window: the transaction committed, the offset commit did not.
    await rewindGroupTo(h.stack.kafka, h.stack.groupId, landed);
    h.app = await startApp(h.stack);
    await waitUntilConsumed(h.stack.kafka, h.stack.groupId, landed);

    expect(await secretsOf(h.stack.db, r.projectId)).toEqual([
      { secret_key: 'REDIS_PASSWORD', version: 1, rotation_id: r.rotationId },
      { secret_key: 'REDIS_USERNAME', version: 1, rotation_id: r.rotationId },
    ]);
    expect(await versionCount(h.stack.db, r.projectId)).toBe(2);
    expect(await outboxCount(h.stack.db, r.rotationId)).toBe(2);
    expect((await readPair(r)).password?.secretValue).toBe(value);
  });

  it('stores each value sealed so that it opens only for its own project, key and version', async () => {
    const r = track();
    const value = password();
    const event = credentialsRotated(h.stack.cipher, r, 1, value);
    await waitUntilConsumed(h.stack.kafka, h.stack.groupId, await h.producer.send(event));

    const rows: { secret_key: string; value: string }[] = await h.stack.db.query(
      `SELECT s.secret_key, v.value FROM secret_versions v JOIN secrets s ON s.id = v.secret_id WHERE s.project_id = $1`,
      [r.projectId],
    );
    const sealed = rows.find((x) => x.secret_key === 'REDIS_PASSWORD')?.value as string;
    expect(sealed).toMatch(/^enc:v1:/);
    expect(sealed).not.toBe(event.payload.password); // re-sealed for storage, not the executor's blob
    const loc = { projectId: r.projectId, environment: r.environment, secretPath: r.secretPath, secretKey: 'REDIS_PASSWORD' };
    expect(h.stack.cipher.open(sealed, secretValueContext(loc, 1))).toBe(value);
    for (const other of [
      secretValueContext({ ...loc, projectId: 'another-project' }, 1),
      secretValueContext({ ...loc, secretKey: 'REDIS_USERNAME' }, 1),
      secretValueContext({ ...loc, environment: 'dev' }, 1),
      secretValueContext(loc, 2),
    ]) {
      expect(() => h.stack.cipher.open(sealed, other)).toThrow(expect.objectContaining({ code: 'CRYPTO.DECRYPT_FAILED' }));
    }

    // A sealed password moved onto the username's row does not open there: the API refuses, without the value.
    await h.stack.db.query(
      `UPDATE secret_versions v SET value = $2 FROM secrets s WHERE s.id = v.secret_id AND s.project_id = $1 AND s.secret_key = 'REDIS_USERNAME'`,
      [r.projectId, sealed],
    );
    const res = await h.app.get(`/internal/secrets/raw/REDIS_USERNAME?${folderQuery(r)}`).expect(500);
    expect(res.body.error).toBe('SECRET.UNREADABLE');
    expect(JSON.stringify(res.body)).not.toContain(value);
  });

  it('dead-letters an event whose password it cannot open, and writes nothing', async () => {
    const r = track();
    const dlqSince = await topicOffsets(h.stack.kafka, dlqTopic(TOPICS.executorEvents));
    const event = credentialsRotated(h.stack.cipher, r, 1, password(), { sealFor: { projectId: 'another-project', owner: r.rotationId } });
    const [parked] = await Promise.all([
      collectMessages(h.stack.kafka, dlqTopic(TOPICS.executorEvents), 1, {
        since: dlqSince, filter: (m) => m.key === r.rotationId, timeoutMs: 30_000,
      }),
      h.producer.send(event),
    ]);
    expect(parked[0].headers['error'] ?? JSON.stringify(parked[0].headers)).toMatch(/CRYPTO|cannot open/);
    expect(await secretsOf(h.stack.db, r.projectId)).toEqual([]);
    expect(await outboxCount(h.stack.db, r.rotationId)).toBe(0);
  });

  it('refuses to map a rotation onto secrets another rotation manages, leaving both untouched', async () => {
    const owner = track();
    const ownerValue = password();
    await waitUntilConsumed(h.stack.kafka, h.stack.groupId, await h.producer.send(credentialsRotated(h.stack.cipher, owner, 1, ownerValue)));
    const intruder = track(newRotation({ projectId: owner.projectId }));
    await waitUntilConsumed(h.stack.kafka, h.stack.groupId, await h.producer.send(credentialsRotated(h.stack.cipher, intruder, 1, password())));

    expect(await secretsOf(h.stack.db, owner.projectId)).toEqual([
      { secret_key: 'REDIS_PASSWORD', version: 1, rotation_id: owner.rotationId },
      { secret_key: 'REDIS_USERNAME', version: 1, rotation_id: owner.rotationId },
    ]);
    expect((await readPair(owner)).password?.secretValue).toBe(ownerValue);
    await h.app.get(`/internal/rotations/${intruder.rotationId}/generated-credentials?projectId=${owner.projectId}`).expect(404);
  });

  it('refuses an event that would move a rotation to another project, writing nothing there', async () => {
    const r = track();
    const value = password();
    await waitUntilConsumed(h.stack.kafka, h.stack.groupId, await h.producer.send(credentialsRotated(h.stack.cipher, r, 1, value)));
    const elsewhere: Rotation = { ...r, projectId: `${r.projectId}-other` };
    await waitUntilConsumed(h.stack.kafka, h.stack.groupId, await h.producer.send(credentialsRotated(h.stack.cipher, elsewhere, 2, password())));

    expect(await secretsOf(h.stack.db, elsewhere.projectId)).toEqual([]);
    expect((await readPair(r)).password).toMatchObject({ version: 1, secretValue: value });
    await h.app.get(`/internal/rotations/${r.rotationId}/generated-credentials?projectId=${elsewhere.projectId}`).expect(404);
  });

  it('moves to a changed mapping at the next rotation, keeping the old secrets as ordinary ones', async () => {
    const r = track();
    const before = password();
    await waitUntilConsumed(h.stack.kafka, h.stack.groupId, await h.producer.send(credentialsRotated(h.stack.cipher, r, 1, before)));
    const remapped: Rotation = { ...r, secretsMapping: { username: 'CACHE_USER', password: 'CACHE_PASS' } };
    const after = password();
    await waitUntilConsumed(h.stack.kafka, h.stack.groupId, await h.producer.send(credentialsRotated(h.stack.cipher, remapped, 2, after)));

    expect(await secretsOf(h.stack.db, r.projectId)).toEqual([
      { secret_key: 'CACHE_PASS', version: 1, rotation_id: r.rotationId },
      { secret_key: 'CACHE_USER', version: 1, rotation_id: r.rotationId },
      { secret_key: 'REDIS_PASSWORD', version: 1, rotation_id: null },
      { secret_key: 'REDIS_USERNAME', version: 1, rotation_id: null },
    ]);
    expect((await readPair(remapped)).password?.secretValue).toBe(after);
    expect((await readPair(r)).password?.secretValue).toBe(before);
  });

  it('leaves no plaintext password in any Postgres row, Kafka message or log line', async () => {
    expect(passwords.size).toBeGreaterThan(10);
    const leaks = (text: string | null) => [...passwords].some((p) => text?.includes(p));

    const tables = await allRowsAsText(h.stack.db);
    const rowCount = tables.reduce((n, t) => n + t.rows.length, 0);
    expect(rowCount).toBeGreaterThan(50);
    // The scan does read the rows: the (non-secret) Redis usernames are there in clear.
    expect(tables.some((t) => t.rows.some((row) => row.includes(usernameFor(rotations[0], 0))))).toBe(true);
    for (const { table, rows } of tables) expect({ table, leaking: rows.filter(leaks).length }).toEqual({ table, leaking: 0 });

    const ids = new Set(rotations.map((r) => r.rotationId));
    for (const topic of SCANNED_TOPICS) {
      const messages = (await readToEnd(h.stack, topic, since[topic])).filter((m) => ids.has(m.key ?? ''));
      expect({ topic, some: messages.length > 0 }).toEqual({ topic, some: true });
      for (const m of messages) {
        expect({ topic, leak: leaks(m.value) || Object.values(m.headers).some(leaks) }).toEqual({ topic, leak: false });
      }
    }

    expect(h.app.logs.lines.length).toBeGreaterThan(0);
    expect(h.app.logs.lines.filter(leaks)).toEqual([]);
  });
});

/** Every message on `topic` from `start` up to its end as of now (other runs' included). */
async function readToEnd(stack: Stack, topic: string, start: TopicOffsets): Promise<CollectedMessage[]> {
  const end = await topicOffsets(stack.kafka, topic);
  const collector = await startCollecting(stack.kafka, topic, { since: start });
  try {
    await collector.waitFor((messages) =>
      Object.entries(end).every(([p, high]) =>
        BigInt(high) <= BigInt(start[Number(p)] ?? '0') ||
        messages.some((m) => m.partition === Number(p) && BigInt(m.offset) >= BigInt(high) - 1n)),
    30_000);
    return [...collector.messages];
  } finally {
    await collector.stop();
  }
}
