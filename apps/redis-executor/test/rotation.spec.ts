import { randomUUID } from 'node:crypto';
import { Envelope } from '@rotor/contracts';
import { DLQ_HEADERS } from '@rotor/messaging';
import {
  ADMIN_PASSWORD,
  ADMIN_USER,
  aclUser,
  authenticates,
  collectMessages,
  RedisFleet,
  waitForReplicaLink,
  type RedisServer,
} from '@rotor/testing';
import { ExecutorHarness, jobOf } from './support/executor-harness';

jest.setTimeout(60_000);

describe('redis-executor on the real stack', () => {
  const fleet = new RedisFleet();
  let h: ExecutorHarness;
  let redis: RedisServer;
  /** Every plaintext credential the tests saw, for the scan at the end. */
  const plaintexts = new Set<string>([ADMIN_PASSWORD]);

  beforeAll(async () => {
    [h, redis] = await Promise.all([ExecutorHarness.start('rotation'), fleet.start()]);
  }, 120_000);

  afterAll(async () => {
    await h?.stop();
    await fleet.stopAll();
  });

  async function rotated(jobId: string): Promise<{ event: Envelope<'CredentialsRotated'>; password: string }> {
    const event = await h.outcomeOf(jobId);
    if (event.type !== 'CredentialsRotated') throw new Error(`expected CredentialsRotated for job ${jobId}, got ${event.type}: ${JSON.stringify(event.payload)}`);
    const password = h.openPassword(event);
    plaintexts.add(password);
    return { event, password };
  }

  async function failed(jobId: string): Promise<Envelope<'RotationFailed'>> {
    const event = await h.outcomeOf(jobId);
    if (event.type !== 'RotationFailed') throw new Error(`expected RotationFailed for job ${jobId}, got ${event.type}`);
    return event;
  }

  it('issues a sealed credential that authenticates, then alternates slots keeping the current and previous valid', async () => {
    const r = h.rotation(redis);

    const first = r.request(1);
    await h.send(first);
    const one = await rotated(first.payload.jobId);
    expect(one.event.payload).toMatchObject({
      rotationId: r.rotationId, generation: 1, activeIndex: 0, username: r.username(0), nodes: [redis.name],
      secretsMapping: { username: 'REDIS_USERNAME', password: 'REDIS_PASSWORD' },
    });
    expect(one.event.payload.password).toMatch(/^enc:v1:/);
    expect(one.event.causationId).toBe(first.eventId);
    expect(one.password).toHaveLength(32);
    expect(await authenticates(redis, r.username(0), one.password)).toBe(true);

    const second = r.request(2);
    await h.send(second);
    const two = await rotated(second.payload.jobId);
    expect(two.event.payload).toMatchObject({ generation: 2, activeIndex: 1, username: r.username(1) });
    expect(await authenticates(redis, r.username(1), two.password)).toBe(true);
    expect(await authenticates(redis, r.username(0), one.password)).toBe(true);

    const third = r.request(3);
    await h.send(third);
    const three = await rotated(third.payload.jobId);
    expect(three.event.payload).toMatchObject({ generation: 3, activeIndex: 0, username: r.username(0) });
    expect(three.password).not.toBe(one.password);
    expect(await authenticates(redis, r.username(0), three.password)).toBe(true);
    expect(await authenticates(redis, r.username(1), two.password)).toBe(true);
    expect(await authenticates(redis, r.username(0), one.password)).toBe(false);
  });

  it('publishes one CredentialsRotated for a redelivered request, by event id or by generation', async () => {
    const r = h.rotation(redis);
    const first = r.request(1);
    await h.send(first);
    const one = await rotated(first.payload.jobId);

    const second = r.request(2);
    const sameJobAgain = { ...second, eventId: randomUUID() };
    const sameGenerationOtherJob = r.request(2);
    await h.send(second, second, sameJobAgain, sameGenerationOtherJob);
    await h.processed(sameGenerationOtherJob.eventId);

    const events = await h.settled(r.rotationId);
    const forGeneration2 = events.filter((e) => e.type === 'CredentialsRotated' && e.payload.generation === 2);
    expect(forGeneration2).toHaveLength(1);
    expect(events.filter((e) => e.type === 'RotationFailed')).toEqual([]);
    const two = await rotated(second.payload.jobId);
    // Had a duplicate set slot 1 again, the password reported first would no longer work.
    expect(await authenticates(redis, r.username(1), two.password)).toBe(true);
    expect(await authenticates(redis, r.username(0), one.password)).toBe(true);
    const [{ n }]: { n: number }[] = await h.db.query('SELECT count(*)::int AS n FROM outbox WHERE key = $1', [r.rotationId]);
    expect(n).toBe(2);
  });

  it('ignores an older generation that arrives after a newer one', async () => {
    const r = h.rotation(redis);
    const first = r.request(1);
    const second = r.request(2);
    await h.send(first, second);
    const one = await rotated(first.payload.jobId);
    const two = await rotated(second.payload.jobId);

    const late = r.request(1, { reason: 'retry', attempt: 2 });
    await h.send(late);
    await h.processed(late.eventId);

    const events = await h.settled(r.rotationId);
    expect(events.map(jobOf)).toEqual([first.payload.jobId, second.payload.jobId]);
    expect(await authenticates(redis, r.username(0), one.password)).toBe(true);
    expect(await authenticates(redis, r.username(1), two.password)).toBe(true);
    const [job] = await h.db.query('SELECT last_generation, job_id, outcome FROM executor_jobs WHERE rotation_id = $1', [r.rotationId]);
    expect(job).toEqual({ last_generation: 2, job_id: second.payload.jobId, outcome: 'rotated' });
  });

  it('fails naming the node that rejects the change, and leaves the active credential working everywhere', async () => {
    const primary = await fleet.start();
    const replica = await fleet.start({ replicaOf: primary });
    await waitForReplicaLink(replica);
    const r = h.rotation(primary, { topology: { type: 'replicas', replicas: [{ host: replica.host, port: replica.port }] } });

    const first = r.request(1);
    await h.send(first);
    const one = await rotated(first.payload.jobId);
    expect(one.event.payload.nodes).toEqual([primary.name, replica.name]);

    // ACLs are per node: take ACL SETUSER away from the admin on the replica only.
    await replica.withAdmin((c) => c.call('ACL', 'SETUSER', ADMIN_USER, '-acl|setuser'));
    const second = r.request(2);
    await h.send(second);
    const failure = await failed(second.payload.jobId);
    expect(failure.payload).toMatchObject({ node: replica.name, retryable: false, generation: 2 });
    expect(failure.payload.message).toMatch(/^\[REDIS\.SETUSER_FAILED\]/);
    expect(failure.payload.message).toContain(replica.name);

    const events = await h.settled(r.rotationId);
    expect(events.filter((e) => e.type === 'CredentialsRotated').map(jobOf)).toEqual([first.payload.jobId]);
    expect(await authenticates(primary, r.username(0), one.password)).toBe(true);
    expect(await authenticates(replica, r.username(0), one.password)).toBe(true);
  });

  it('rotates a primary with two replicas that keep their users in aclfiles, and the credentials survive a restart', async () => {
    const primary = await fleet.start({ aclfile: true });
    const replicas = await Promise.all([fleet.start({ replicaOf: primary, aclfile: true }), fleet.start({ replicaOf: primary, aclfile: true })]);
    await Promise.all(replicas.map(waitForReplicaLink));
    const all = [primary, ...replicas];
    const r = h.rotation(primary, { topology: { type: 'replicas', replicas: replicas.map((n) => ({ host: n.host, port: n.port })) } });

    const first = r.request(1);
    const second = r.request(2);
    await h.send(first, second);
    const one = await rotated(first.payload.jobId);
    const two = await rotated(second.payload.jobId);
    expect(one.event.payload.nodes).toEqual(all.map((n) => n.name));
    expect(two.event.payload.nodes).toEqual(all.map((n) => n.name));

    // Users live only in the aclfiles: what was not ACL SAVEd on a node is gone once it restarts.
    for (const node of all) await node.restart();
    await Promise.all(replicas.map(waitForReplicaLink));
    for (const node of all) {
      expect(await authenticates(node, r.username(1), two.password)).toBe(true);
      expect(await authenticates(node, r.username(0), one.password)).toBe(true);
    }
  });

  it('fails retryably, naming the node, when the server is down', async () => {
    const server = await fleet.start();
    const r = h.rotation(server);
    const first = r.request(1);
    await h.send(first);
    await rotated(first.payload.jobId);

    await server.stop();
    const second = r.request(2);
    await h.send(second);
    const failure = await failed(second.payload.jobId);
    expect(failure.payload).toMatchObject({ node: server.name, retryable: true });
    expect(failure.payload.message).toMatch(/^\[REDIS\.UNREACHABLE\]/);
    expect(h.publishedFor(r.rotationId, 'CredentialsRotated')).toHaveLength(1);
  });

  it('refuses impossible password requirements before touching Redis', async () => {
    const r = h.rotation(redis);
    const impossible = r.request(1, {
      passwordRequirements: { length: 12, required: { digits: 10, lowercase: 10, uppercase: 0, symbols: 0 }, allowedSymbols: '' },
    });
    await h.send(impossible);
    const failure = await failed(impossible.payload.jobId);
    expect(failure.payload).toMatchObject({ retryable: false, node: null });
    expect(failure.payload.message).toMatch(/^\[PASSWORD\.INVALID_REQUIREMENTS\].*passwordRequirements/);
    expect(await aclUser(redis, r.username(0))).toBeNull();
  });

  it('abandons a request older than the lease instead of rotating late', async () => {
    const r = h.rotation(redis);
    const stale = r.request(1, { requestedAt: new Date(Date.now() - 10 * 60_000).toISOString() });
    await h.send(stale);
    const failure = await failed(stale.payload.jobId);
    expect(failure.payload).toMatchObject({ retryable: true, node: null });
    expect(failure.payload.message).toMatch(/^\[ROTATION\.EXPIRED\]/);
    expect(await aclUser(redis, r.username(0))).toBeNull();
  });

  it('refuses to rotate a user that is not the slot user of this rotation', async () => {
    const r = h.rotation(redis);
    const foreign = r.request(1, { username: ADMIN_USER });
    await h.send(foreign);
    const failure = await failed(foreign.payload.jobId);
    expect(failure.payload).toMatchObject({ retryable: false });
    expect(failure.payload.message).toMatch(/^\[ROTATION\.FOREIGN_USER\]/);
    expect(await authenticates(redis, ADMIN_USER, ADMIN_PASSWORD)).toBe(true);
  });

  it('revokes both users of the rotation, nothing else, and refuses to bring them back', async () => {
    const other = h.rotation(redis);
    const otherFirst = other.request(1);
    const r = h.rotation(redis);
    const first = r.request(1);
    const second = r.request(2);
    await h.send(otherFirst, first, second);
    const otherOne = await rotated(otherFirst.payload.jobId);
    await rotated(first.payload.jobId);
    await rotated(second.payload.jobId);

    const revocation = r.revocation([r.username(0), r.username(1), ADMIN_USER, other.username(0)]);
    await h.send(revocation);
    const revoked = await h.outcomeOf(revocation.payload.jobId);
    expect(revoked.type).toBe('CredentialsRevoked');
    expect(revoked.payload).toMatchObject({ usernames: [r.username(0), r.username(1)], nodes: [redis.name] });
    expect(await aclUser(redis, r.username(0))).toBeNull();
    expect(await aclUser(redis, r.username(1))).toBeNull();
    expect(await authenticates(redis, ADMIN_USER, ADMIN_PASSWORD)).toBe(true);
    expect(await authenticates(redis, other.username(0), otherOne.password)).toBe(true);

    const afterRevocation = r.request(3);
    await h.send(afterRevocation);
    await h.processed(afterRevocation.eventId);
    expect(await aclUser(redis, r.username(0))).toBeNull();
    const events = await h.settled(r.rotationId);
    expect(events.map((e) => e.type)).toEqual(['CredentialsRotated', 'CredentialsRotated', 'CredentialsRevoked']);
  });

  it('retries a revocation that fails, then parks it on the DLQ without reporting it revoked', async () => {
    const server = await fleet.start();
    const r = h.rotation(server);
    await server.stop();
    const revocation = r.revocation([r.username(0), r.username(1)]);
    await h.send(revocation);

    const [parked] = await collectMessages(h.kafka, `${h.rotationTopic}.dlq`, 1, {
      filter: (m) => m.key === r.rotationId,
      timeoutMs: 30_000,
    });
    expect(parked.headers[DLQ_HEADERS.attempts]).toBe('5');
    expect(parked.headers[DLQ_HEADERS.error]).toContain('REDIS.UNREACHABLE');
    expect(h.publishedFor(r.rotationId, 'CredentialsRevoked')).toEqual([]);
    const [{ n }]: { n: number }[] = await h.db.query('SELECT count(*)::int AS n FROM outbox WHERE key = $1', [r.rotationId]);
    expect(n).toBe(0);
  });

  it('never lets a plaintext credential reach Kafka or the executor database', async () => {
    // Runs last: every credential generated above is in `plaintexts`.
    expect(plaintexts.size).toBeGreaterThanOrEqual(10);
    const inputs = await collectMessages(h.kafka, h.rotationTopic, h.sentCount);
    const parked = await collectMessages(h.kafka, `${h.rotationTopic}.dlq`, 1);
    const wire = [...inputs, ...parked].flatMap((m) => [m.value ?? '', ...Object.values(m.headers)]).concat(h.rawPublished());
    expect(wire.length).toBeGreaterThan(30);
    const tables: { table_name: string }[] = await h.db.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    );
    expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(['outbox', 'inbox', 'executor_jobs']));
    const rows: string[] = [];
    for (const { table_name } of tables) {
      const dump: { row: string }[] = await h.db.query(`SELECT t::text AS row FROM "${table_name}" t`);
      rows.push(...dump.map((d) => d.row));
    }
    expect(rows.some((row) => row.includes('enc:v1:'))).toBe(true);
    for (const secret of plaintexts) {
      for (const text of [...wire, ...rows]) expect(text.includes(secret)).toBe(false);
    }
  });
});
