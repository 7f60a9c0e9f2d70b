import { ROTATION_ERRORS } from '@rotor/rotation-domain';
import { randomUUID } from 'node:crypto';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { RotationCommandRunner } from '../src/rotations/rotation-command-runner';
import { Harness, newProjectId } from './harness';
import { createConnection, createIssuedRotation } from './fixtures';

jest.setTimeout(60_000);

const h = new Harness('config_statements');
beforeAll(() => h.start(), 60_000);
afterAll(() => h.stop(), 30_000);

const runner = () => h.app.get(RotationCommandRunner);
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

    // A second request while one is in flight is refused by the aggregate, after the read alone.
    await runner().execute(rotation.id, [{ type: 'RequestRotation', reason: 'manual', jobId: randomUUID(), dueAt: null, now: new Date(), requestedBy: { type: 'rotor' } }]);
    const refused = await statementsOf(() =>
      runner().execute(rotation.id, [{ type: 'RequestRotation', reason: 'manual', jobId: randomUUID(), dueAt: null, now: new Date(), requestedBy: { type: 'rotor' } }])
        .then(() => null, (e: { code?: string }) => e.code),
    );
    expect(refused.result).toBe(ROTATION_ERRORS.inFlight);
    expect(refused.sql).toHaveLength(1);
  });
});
