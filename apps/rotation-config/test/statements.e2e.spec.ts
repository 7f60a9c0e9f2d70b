import { AnyEnvelope } from '@rotor/contracts';
import { Inbox } from '@rotor/event-store';
import { ROTATION_ERRORS } from '@rotor/rotation-domain';
import { randomUUID } from 'node:crypto';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { deferTransactionStart } from '@rotor/service-runtime';
import { Client } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { RotationCommandRunner } from '../src/rotations/rotation-command-runner';
import { RotationProgressConsumer } from '../src/inbound/rotation-progress.consumer';
import { Harness, newProjectId } from './harness';
import { createConnection, createIssuedRotation } from './fixtures';

jest.setTimeout(60_000);

const h = new Harness('config_statements');
beforeAll(() => h.start(), 60_000);
afterAll(() => h.stop(), 30_000);

const runner = () => h.app.get(RotationCommandRunner);

/**
 * What goes to Postgres, below the deferral of START TRANSACTION that the services install at
 * start (bootstrap), installed here the same way: the texts a command sends while `work` runs,
 * of its transaction and its rotation's tables (the relay, woken by a commit, may add its own).
 */
const wire: string[] = [];
let tapping = false;
beforeAll(() => {
  const send = Client.prototype.query;
  Client.prototype.query = function (this: Client, ...args: unknown[]) {
    const [q] = args as [string | { text: string }];
    if (tapping) wire.push(typeof q === 'string' ? q : q.text);
    return (send as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof send;
  deferTransactionStart();
});

async function commandTexts(work: () => Promise<unknown>): Promise<string[]> {
  wire.length = 0;
  tapping = true;
  try {
    await work();
  } finally {
    tapping = false;
  }
  return wire.filter((t) => /START TRANSACTION|rotation_snapshots|^COMMIT/.test(t));
}

/** What a consumer's read ahead does in `tx`, here in a statement of its own: the rows read and locked, kept for the commands. */
async function readAhead(tx: EntityManager, rotationIds: string[]): Promise<void> {
  const text = runner().prefetchText(rotationIds, { withConnection: true }) as string;
  runner().prefetched(tx, rotationIds, await tx.query(text), { withConnection: true });
}

/** A manual job request, as the API sends it. */
const requestJob = (id: string) =>
  runner().execute(id, [{ type: 'RequestRotation', reason: 'manual', jobId: randomUUID(), dueAt: null, now: new Date(), requestedBy: { type: 'rotor' } }]);

/** The secret store's word that the job `requested` put in flight succeeded. */
const successOf = (requested: Awaited<ReturnType<typeof requestJob>>) => ({
  type: 'RecordRotationSuccess' as const,
  jobId: requested.state.inFlight?.jobId ?? '',
  generation: requested.state.generation,
  activeIndex: requested.state.inFlight?.targetIndex ?? 1,
  now: new Date(),
});

/** Until a statement of this database waits for a row lock. */
async function untilSomeoneWaitsForALock(): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const [row] = await h.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
    );
    if (row.n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('no statement waited for a lock');
}
const ROTATION_TABLES = /\b(rotation_snapshots|es_events|rotations|rotation_history|redis_connections)\b/;

/** The statements `work` sends that touch the rotation's tables (the relay's and consumer's are left out). */
async function statementsOf<T>(work: () => Promise<T>): Promise<{ result: T; sql: string[] }> {
  const sql: string[] = [];
  const original = PostgresQueryRunner.prototype.query;
  const spy = jest.spyOn(PostgresQueryRunner.prototype, 'query').mockImplementation(function (this: PostgresQueryRunner, ...args) {
    if (ROTATION_TABLES.test(args[0])) sql.push(args[0]);
    return original.apply(this, args);
  });
  try {
    return { result: await work(), sql };
  } finally {
    spy.mockRestore();
  }
}

async function issued() {
  const projectId = newProjectId();
  const connection = await createConnection(h, projectId);
  return (await createIssuedRotation(h, projectId, connection.id)).rotation;
}

describe('the round trips of a rotation command', () => {
  it('requests a rotation in two: the read (with the connection) and the append (with snapshot and projection), which locks first', async () => {
    const rotation = await issued();
    const jobId = randomUUID();
    const { result, sql } = await statementsOf(() =>
      runner().execute(rotation.id, [{ type: 'RequestRotation', reason: 'manual', jobId, dueAt: null, now: new Date(), requestedBy: { type: 'rotor' } }]),
    );
    expect(sql).toHaveLength(2);
    expect(sql[0]).toMatch(/FROM rotation_snapshots /);
    expect(sql[0]).not.toMatch(/FOR UPDATE/);
    expect(sql[1]).toMatch(/^WITH current AS .*FROM rotation_snapshots WHERE rotation_id = \$\d+::text FOR UPDATE/s);
    // The event carries the connection, and the read model shows the job in flight.
    const [requested] = result.events;
    expect(requested.type).toBe('RotationRequested');
    const [row] = await h.query<{ in_flight_job_id: string; last_rotation_job_id: string; stream_version: number }>(
      'SELECT in_flight_job_id, last_rotation_job_id, stream_version FROM rotations WHERE id = $1', [rotation.id],
    );
    expect(row).toEqual({ in_flight_job_id: jobId, last_rotation_job_id: jobId, stream_version: result.version });
    const [history] = await h.query<{ type: string; job_id: string }>(
      'SELECT type, job_id FROM rotation_history WHERE rotation_id = $1 AND version = $2', [rotation.id, result.version],
    );
    expect(history).toEqual({ type: 'RotationRequested', job_id: jobId });
    const [outbox] = await h.query<{ envelope: { payload: { connection: { connectionId: string; password: string } } } }>(
      `SELECT envelope FROM outbox WHERE envelope->>'type' = 'RotationRequested' AND envelope->'payload'->>'jobId' = $1`, [jobId],
    );
    expect(outbox.envelope.payload.connection.connectionId).toBe(rotation.connectionId);
    expect(outbox.envelope.payload.connection.password).toMatch(/^enc:v1:/);
  });

  it('records the outcome in two, and a refused command writes nothing', async () => {
    const rotation = await issued();
    const jobId = randomUUID();
    const requested = await runner().execute(rotation.id, [{ type: 'RequestRotation', reason: 'manual', jobId, dueAt: null, now: new Date(), requestedBy: { type: 'rotor' } }]);
    const generation = requested.state.generation;
    const { sql } = await statementsOf(() =>
      runner().execute(rotation.id, [{ type: 'RecordRotationSuccess', jobId, generation, activeIndex: requested.state.inFlight?.targetIndex ?? 1, now: new Date() }]),
    );
    expect(sql).toHaveLength(2);
    const [row] = await h.query<{ in_flight_job_id: string | null; rotation_status: string }>('SELECT in_flight_job_id, rotation_status FROM rotations WHERE id = $1', [rotation.id]);
    expect(row).toEqual({ in_flight_job_id: null, rotation_status: 'success' });

    // A second request while one is in flight is refused by the aggregate after reads alone:
    // the unlocked one, and the locked one that confirms the refusal.
    await runner().execute(rotation.id, [{ type: 'RequestRotation', reason: 'manual', jobId: randomUUID(), dueAt: null, now: new Date(), requestedBy: { type: 'rotor' } }]);
    const refused = await statementsOf(() =>
      runner().execute(rotation.id, [{ type: 'RequestRotation', reason: 'manual', jobId: randomUUID(), dueAt: null, now: new Date(), requestedBy: { type: 'rotor' } }])
        .then(() => null, (e: { code?: string }) => e.code),
    );
    expect(refused.result).toBe(ROTATION_ERRORS.inFlight);
    expect(refused.sql).toHaveLength(2);
    expect(refused.sql[1]).toMatch(/FROM rotation_snapshots .*FOR UPDATE/s);
  });
  it("records a consumer transaction's outcomes after one locked read of all their rotations", async () => {
    const [a, b] = [await issued(), await issued()];
    const [ra, rb] = [await requestJob(a.id), await requestJob(b.id)];

    const { result, sql } = await statementsOf(() =>
      h.app.get(DataSource).transaction(async (tx) => {
        await readAhead(tx, [b.id, a.id, b.id]);
        const done = [await runner().execute(a.id, [successOf(ra)], { tx }), await runner().execute(b.id, [successOf(rb)], { tx })];
        // The read ahead is used once: a's next command reads what the first one wrote (read
        // ahead, the job would still be in flight and the request refused).
        const again = await runner().execute(
          a.id, [{ type: 'RequestRotation', reason: 'manual', jobId: randomUUID(), dueAt: null, now: new Date(), requestedBy: { type: 'rotor' } }], { tx },
        );
        return [...done, again];
      }),
    );
    expect(sql[0]).toMatch(/FROM rotation_snapshots s WHERE s.rotation_id IN \(.*ORDER BY s.rotation_id FOR UPDATE/s);
    // One read for both, an append each, then the read and the append of a's second command.
    expect(sql).toHaveLength(5);
    expect(result.map((r) => r.events.map((e) => e.type))).toEqual([['RotationCompleted'], ['RotationCompleted'], ['RotationRequested']]);
    const rows = await h.query<{ id: string; rotation_status: string; in_flight_job_id: string | null }>(
      'SELECT id, rotation_status, in_flight_job_id FROM rotations WHERE id = ANY($1::uuid[]) ORDER BY id', [[a.id, b.id]],
    );
    expect(rows.find((r) => r.id === b.id)).toMatchObject({ rotation_status: 'success', in_flight_job_id: null });
    expect(rows.find((r) => r.id === a.id)?.in_flight_job_id).toBe(result[2].state.inFlight?.jobId);
  });
  it("reads a consumer transaction's snapshots in its inbox claim's statement, and its commands then read none", async () => {
    const [a, b] = [await issued(), await issued()];
    const [ra, rb] = [await requestJob(a.id), await requestJob(b.id)];
    // What the consumer reads ahead looks only at the events' types and rotations.
    const stored = [b.id, a.id].map((rotationId) => ({ eventId: randomUUID(), type: 'RotationSecretsStored', payload: { rotationId } }) as unknown as AnyEnvelope);
    const consumer = h.app.get(RotationProgressConsumer);
    const text = consumer.readAhead(stored) as string;
    expect(text).toMatch(/FROM rotation_snapshots s WHERE .* ORDER BY s.rotation_id FOR UPDATE OF s/s);

    const { result, sql } = await statementsOf(() =>
      h.app.get(DataSource).transaction(async (tx) => {
        const { claimed, ahead } = await Inbox.claimAllWith(tx, 'statements-test', stored.map((e) => e.eventId), text);
        expect(claimed.size).toBe(2);
        await consumer.prepare(stored, tx, ahead);
        return [await runner().execute(a.id, [successOf(ra)], { tx }), await runner().execute(b.id, [successOf(rb)], { tx })];
      }),
    );
    // The claim with the read, then an append each.
    expect(sql).toHaveLength(3);
    expect(sql[0]).toMatch(/INSERT INTO inbox.*FROM rotation_snapshots/s);
    expect(sql.slice(1).every((q) => /^WITH current AS/.test(q))).toBe(true);
    expect(result.map((r) => r.events.map((e) => e.type))).toEqual([['RotationCompleted'], ['RotationCompleted']]);
  });

  it('sends a job request without a transaction: two round trips in all', async () => {
    const rotation = await issued();
    const mine = await commandTexts(() =>
      runner().execute(rotation.id, [{ type: 'RequestRotation', reason: 'manual', jobId: randomUUID(), dueAt: null, now: new Date(), requestedBy: { type: 'rotor' } }]),
    );
    expect(mine).toHaveLength(2);
    expect(mine[0]).toMatch(/^SELECT .*FROM rotation_snapshots s WHERE s.rotation_id = \$1/s);
    expect(mine[1]).toMatch(/^WITH current AS/);
  });

  it('a job request that finds the snapshot locked waits for its holder, then decides on what the holder wrote', async () => {
    const rotation = await issued();
    const request = (jobId: string) =>
      ({ type: 'RequestRotation', reason: 'manual', jobId, dueAt: null, now: new Date(), requestedBy: { type: 'rotor' } }) as const;
    const holder = h.app.get(DataSource).createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    try {
      // A consumer's transaction holds the snapshot row and has not appended yet.
      await readAhead(holder.manager, [rotation.id]);
      // The request reads the state before the holder's append, decides, and its append waits.
      const api = runner().execute(rotation.id, [request(randomUUID())]).then(() => null, (e: { code?: string }) => e.code ?? String(e));
      await untilSomeoneWaitsForALock();
      // The holder requests a job of its own and commits. Had the request written its event
      // before waiting, the two would deadlock here (each waiting for a row the other holds).
      const held = await runner().execute(rotation.id, [request(randomUUID())], { tx: holder.manager });
      await holder.commitTransaction();
      // The request's append then finds the stream moved; under the lock it sees the holder's
      // job in flight, and is refused: one rotation in flight.
      expect(await api).toBe(ROTATION_ERRORS.inFlight);
      const events = await h.query<{ type: string }>(`SELECT type FROM es_events WHERE stream_id = $1 AND version > $2 ORDER BY version`, [
        `rotation-${rotation.id}`, held.version - 1,
      ]);
      expect(events.map((e) => e.type)).toEqual(['RotationRequested']);
    } finally {
      if (holder.isTransactionActive) await holder.rollbackTransaction();
      await holder.release();
    }
  });

  it("sends the START TRANSACTION of a command in a transaction of its own with its read: three round trips in all", async () => {
    const rotation = await issued();
    const jobId = randomUUID();
    const requested = await runner().execute(rotation.id, [{ type: 'RequestRotation', reason: 'manual', jobId, dueAt: null, now: new Date(), requestedBy: { type: 'rotor' } }]);
    const mine = await commandTexts(() =>
      runner().execute(rotation.id, [
        { type: 'RecordRotationSuccess', jobId, generation: requested.state.generation, activeIndex: requested.state.inFlight?.targetIndex ?? 1, now: new Date() },
      ]),
    );
    expect(mine).toHaveLength(3);
    expect(mine[0]).toMatch(/^START TRANSACTION;\s*SELECT .*FROM rotation_snapshots s WHERE s.rotation_id = '[0-9a-f-]{36}'/s);
    expect(mine[1]).toMatch(/^WITH current AS/);
    expect(mine[2]).toMatch(/^COMMIT/);
  });
});
