import { RedisFleet, type RedisServer } from '@rotor/testing';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { lockRotationAndFindJob, recordRotationJob } from '../src/executor-jobs/executor-jobs';
import { ServedCredentialsHandler } from '../src/verification/served-credentials.handler';
import { RotationRequestedHandler } from '../src/rotation/rotation-requested.handler';
import { randomUUID } from 'node:crypto';
import { ExecutorHarness } from './support/executor-harness';

jest.setTimeout(60_000);

/** What a job's handling sends, leaving out the relay's, the inbox's and the harness' own statements. */
const JOB_STATEMENTS = /pg_advisory_xact_lock|executor_lock_rotation|executor_record_served|executor_jobs|verification_targets|INSERT INTO outbox/;

describe('the round trips of the executor', () => {
  const fleet = new RedisFleet();
  let h: ExecutorHarness;
  let redis: RedisServer;
  let sql: string[] = [];
  let spy: jest.SpyInstance | undefined;

  beforeAll(async () => {
    [h, redis] = await Promise.all([ExecutorHarness.start('statements'), fleet.start()]);
  }, 120_000);

  afterAll(async () => {
    spy?.mockRestore();
    await h?.stop();
    await fleet.stopAll();
  });

  /** Collects the job statements the app sends from now on. */
  function count(): void {
    sql = [];
    spy?.mockRestore();
    const original = PostgresQueryRunner.prototype.query;
    spy = jest.spyOn(PostgresQueryRunner.prototype, 'query').mockImplementation(function (this: PostgresQueryRunner, ...args) {
      if (JOB_STATEMENTS.test(args[0])) sql.push(args[0]);
      return original.apply(this, args);
    });
  }

  it('rotates in two (the inbox claim with the lock and the job read; the records with the outbox row) and takes what is served in one', async () => {
    const r = h.rotation(redis);
    const request = r.request(1);
    count();
    await h.send(request);
    expect((await h.outcomeOf(request.payload.jobId)).type).toBe('CredentialsRotated');
    expect(sql).toHaveLength(2);
    expect(sql[0]).toMatch(/INSERT INTO inbox.*executor_lock_rotation/s);
    expect(sql[1]).toMatch(/INSERT INTO outbox/);

    const completed = r.completed(1);
    count();
    await h.send(completed);
    await h.processed(completed.eventId);
    expect(sql).toHaveLength(1);
    expect(sql[0]).toMatch(/executor_record_served/);
    const [target] = await h.db.query('SELECT active_index, active_generation FROM verification_targets WHERE rotation_id = $1', [r.rotationId]);
    expect(target).toEqual({ active_index: 0, active_generation: 1 });
  });

  it("takes what a transaction's completions serve in one statement, and each handler then none", async () => {
    const [a, b] = [h.rotation(redis), h.rotation(redis)];
    for (const r of [a, b]) {
      const request = r.request(1);
      await h.send(request);
      expect((await h.outcomeOf(request.payload.jobId)).type).toBe('CredentialsRotated');
    }
    const served = h.app.get(ServedCredentialsHandler);
    const completions = [a.completed(1), b.completed(1)];
    count();
    await h.db.transaction(async (tx) => {
      await served.prepare(completions, tx);
      expect(sql).toHaveLength(1);
      for (const c of completions) await served.completed(c, tx);
    });
    expect(sql).toHaveLength(1);
    expect(sql[0]).toMatch(/executor_record_served/);
    const targets = await h.db.query('SELECT rotation_id, active_index, active_generation FROM verification_targets WHERE rotation_id = ANY($1) ORDER BY rotation_id', [[a.rotationId, b.rotationId]]);
    expect(targets).toEqual([a.rotationId, b.rotationId].sort().map((rotation_id) => ({ rotation_id, active_index: 0, active_generation: 1 })));
  });

  it("uses the row read ahead for a rotation's first job in a transaction only: a second one reads what the first wrote", async () => {
    const r = h.rotation(redis);
    const first = r.request(1);
    // The same job delivered again under another event id (the inbox cannot tell): skipped only
    // if its handler sees the row the first one recorded, not the empty one read ahead.
    const again = { ...first, eventId: randomUUID() };
    const handler = h.app.get(RotationRequestedHandler);
    count();
    await h.db.transaction(async (tx) => {
      handler.prepare(tx, await tx.query(handler.readAhead([first, again]) as string));
      await handler.handle(first, tx);
      await handler.handle(again, tx);
    });
    expect(sql.filter((q) => /executor_lock_rotation/.test(q))).toHaveLength(2);
    const outcomes = await h.db.query(
      `SELECT count(*)::int AS n FROM outbox WHERE envelope->>'type' = 'CredentialsRotated' AND envelope->'payload'->>'jobId' = $1`,
      [first.payload.jobId],
    );
    expect(outcomes).toEqual([{ n: 1 }]);
  });

  it('reads, under the lock, the job its previous holder committed while we waited', async () => {
    const rotationId = `rot-${Date.now()}`;
    const first = h.db.createQueryRunner();
    await first.connect();
    await first.startTransaction();
    try {
      expect(await lockRotationAndFindJob(first.manager, rotationId)).toBeNull();
      let secondRead = false;
      const second = h.db.transaction(async (tx) => {
        const job = await lockRotationAndFindJob(tx, rotationId);
        secondRead = true;
        return job;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(secondRead).toBe(false); // waiting for the lock
      await recordRotationJob(first.manager, { rotationId, generation: 4, jobId: 'job-4', outcome: 'rotated' });
      await first.commitTransaction();
      expect(await second).toMatchObject({ rotationId, lastGeneration: 4, jobId: 'job-4', outcome: 'rotated' });
    } finally {
      await first.release();
    }
  });
});
