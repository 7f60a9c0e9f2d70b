import { Envelope } from '@rotor/contracts';
import {
  ADMIN_PASSWORD, aclUser, authenticates, RedisFleet, waitForReplicaLink, waitUntil, type Cluster, type RedisServer,
} from '@rotor/testing';
import { ExecutorHarness, TestRotation } from './support/executor-harness';

jest.setTimeout(90_000);

/** Short enough for a test, long enough to see that checks are paced by it. */
const INTERVAL_MS = 2_000;

describe('continuous verification of served credentials', () => {
  const fleet = new RedisFleet();
  let h: ExecutorHarness;
  let standalone: RedisServer;
  const plaintexts = new Set<string>([ADMIN_PASSWORD]);

  beforeAll(async () => {
    [h, standalone] = await Promise.all([
      ExecutorHarness.start('verification', { verification: { intervalMs: INTERVAL_MS, maxPerSecond: 20, retryBaseMs: 500, concurrency: 4 } }),
      // No aclfile: users set at run time live in memory only; a user the app owns is in the config.
      fleet.start({ users: ['user app-owned on >app-owned-pw ~* +@all'] }),
    ]);
  }, 120_000);

  afterAll(async () => {
    await h?.stop();
    await fleet.stopAll();
  });

  /** Issues generation 1..n and tells the executor each one is served. Returns the plaintext passwords by generation. */
  async function issueAndServe(r: TestRotation, generations: number): Promise<string[]> {
    const passwords: string[] = [];
    for (let g = 1; g <= generations; g++) {
      const request = r.request(g);
      await h.send(request);
      const outcome = await h.outcomeOf(request.payload.jobId);
      if (outcome.type !== 'CredentialsRotated') throw new Error(`generation ${g}: ${JSON.stringify(outcome.payload)}`);
      const password = h.openPassword(outcome as Envelope<'CredentialsRotated'>);
      plaintexts.add(password);
      passwords[g] = password;
      const completed = r.completed(g);
      await h.send(completed);
      await h.processed(completed.eventId);
    }
    return passwords;
  }

  async function nextVerification(
    rotationId: string, predicate: (e: Envelope<'CredentialsVerified'>) => boolean, timeoutMs = 15_000,
  ): Promise<Envelope<'CredentialsVerified'>> {
    let found: Envelope<'CredentialsVerified'> | undefined;
    await waitUntil(`a CredentialsVerified for rotation ${rotationId} that matches`, async () => {
      found = h.publishedFor(rotationId, 'CredentialsVerified').find(predicate);
      return found !== undefined;
    }, timeoutMs);
    return found as Envelope<'CredentialsVerified'>;
  }

  it('reports the served and the previous credential healthy on the node, within one interval of being served', async () => {
    const r = h.rotation(standalone);
    await issueAndServe(r, 2);
    const servedAt = Date.now();
    const healthy = await nextVerification(r.rotationId, (e) => e.payload.generation === 2 && e.payload.status === 'healthy');
    expect(Date.parse(healthy.payload.verifiedAt) - servedAt).toBeLessThanOrEqual(INTERVAL_MS + 1_500);
    expect(healthy.payload).toMatchObject({ projectId: r.projectId, failures: [], nodes: [standalone.name] });
    expect(healthy.payload.message).toContain('active and previous');
  });

  it('detects a restart without an aclfile as drift, naming the node and what Redis answered, and touches nothing', async () => {
    const r = h.rotation(standalone);
    await issueAndServe(r, 2);
    await nextVerification(r.rotationId, (e) => e.payload.status === 'healthy');
    const appUser = await aclUser(standalone, 'app-owned');

    await standalone.restart();
    const drifted = await nextVerification(r.rotationId, (e) => e.payload.status === 'drifted');
    expect(drifted.payload.generation).toBe(2);
    expect(drifted.payload.failures).toEqual([
      { slot: 'active', username: r.username(1), node: standalone.name, answer: expect.stringMatching(/^WRONGPASS/) },
      { slot: 'previous', username: r.username(0), node: standalone.name, answer: expect.stringMatching(/^WRONGPASS/) },
    ]);
    expect(drifted.payload.message).toContain(standalone.name);

    // Re-checked with backoff (sooner than the interval), and it stays drifted: verification never sets a user.
    await waitUntil('a second drifted result', async () =>
      h.publishedFor(r.rotationId, 'CredentialsVerified').filter((e) => e.payload.status === 'drifted').length >= 2);
    await expect(aclUser(standalone, r.username(1))).resolves.toBeNull();
    await expect(aclUser(standalone, 'app-owned')).resolves.toEqual(appUser);
  });

  it('stops expecting the previous credential once a job works on its slot, and ends with the rotation', async () => {
    const r = h.rotation(standalone);
    await issueAndServe(r, 2);
    // Generation 3 targets slot 0 (the previous one) and fails on purpose before it is served.
    const third = r.request(3, { permissionScope: ['~*', '+@all', '+nosuchcommand'] });
    await h.send(third);
    await h.outcomeOf(third.payload.jobId);
    const onlyActive = await nextVerification(r.rotationId, (e) => e.payload.status === 'healthy' && !e.payload.message.includes('previous'));
    expect(onlyActive.payload.message).toContain('active credential authenticates');

    await h.send({ ...r.revocation([r.username(0), r.username(1)]) });
    await waitUntil('the verification row to go', async () =>
      (await h.db.query('SELECT 1 FROM verification_targets WHERE rotation_id = $1', [r.rotationId])).length === 0);
  });

  it('detects a password changed by hand on one replica, on that replica only', async () => {
    const primary = await fleet.start();
    const replica = await fleet.start({ replicaOf: primary });
    await waitForReplicaLink(replica);
    const r = h.rotation(primary, { topology: { type: 'replicas', replicas: [{ host: replica.host, port: replica.port }] } });
    const passwords = await issueAndServe(r, 1);
    await nextVerification(r.rotationId, (e) => e.payload.status === 'healthy');

    await replica.withAdmin((c) => c.call('ACL', 'SETUSER', r.username(0), 'resetpass', '>changed-by-hand'));
    const drifted = await nextVerification(r.rotationId, (e) => e.payload.status === 'drifted');
    expect(drifted.payload.failures).toEqual([
      { slot: 'active', username: r.username(0), node: replica.name, answer: expect.stringMatching(/^WRONGPASS/) },
    ]);
    expect(drifted.payload.nodes.sort()).toEqual([primary.name, replica.name].sort());
    expect(await authenticates(primary, r.username(0), passwords[1])).toBe(true);
  });

  it('detects the one cluster node that restarted without its users', async () => {
    const cluster: Cluster = await fleet.startCluster(3, 1);
    const seed = cluster.primaries[0];
    const r = h.rotation(seed, { topology: { type: 'cluster' } });
    await issueAndServe(r, 1);
    await nextVerification(r.rotationId, (e) => e.payload.status === 'healthy' && e.payload.nodes.length === 6, 30_000);

    const restarted = cluster.replicas[1];
    await restarted.restart();
    const drifted = await nextVerification(r.rotationId, (e) => e.payload.status === 'drifted', 30_000);
    expect(drifted.payload.failures.map((f) => f.node)).toEqual([restarted.name]);
  });

  it("keeps the served credential healthy across a restart when the connection persists with CONFIG REWRITE", async () => {
    const server = await fleet.start();
    const r = h.rotation(server, { aclPersistenceMode: 'config-rewrite' });
    const passwords = await issueAndServe(r, 2);
    await nextVerification(r.rotationId, (e) => e.payload.status === 'healthy');

    await server.restart();
    const restartedAt = new Date().toISOString();
    const after = await nextVerification(r.rotationId, (e) => e.payload.verifiedAt > restartedAt);
    expect(after.payload).toMatchObject({ status: 'healthy', failures: [], nodes: [server.name] });
    expect(await authenticates(server, r.username(1), passwords[2])).toBe(true);
    expect(await authenticates(server, r.username(0), passwords[1])).toBe(true);
  });

  it('never puts a plaintext credential in what it publishes', async () => {
    const raw = h.rawPublished().join('\n');
    for (const secret of plaintexts) expect(raw).not.toContain(secret);
  });
});
