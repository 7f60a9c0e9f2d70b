import { Client } from 'pg';
import { register } from 'prom-client';
import { DataSource } from 'typeorm';
import { deferTransactionStart } from './deferred-begin';
import { countPostgresStatements } from './postgres-statements';

const URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TABLE = `deferred_begin_${process.pid}`;

async function sent(): Promise<number> {
  const metric = await register.getSingleMetric('rotor_postgres_statements_total')?.get();
  return metric?.values[0]?.value ?? 0;
}

/** Round trips `fn` sent to Postgres. */
async function roundTrips(fn: () => Promise<unknown>): Promise<number> {
  const before = await sent();
  await fn();
  return (await sent()) - before;
}

describe('deferTransactionStart', () => {
  let client: Client;
  let observer: Client;
  let ds: DataSource;

  beforeAll(async () => {
    countPostgresStatements();
    deferTransactionStart();
    deferTransactionStart();
    client = new Client({ connectionString: URL });
    observer = new Client({ connectionString: URL });
    await client.connect();
    await observer.connect();
    await observer.query(`CREATE TABLE ${TABLE} (n int)`);
    ds = new DataSource({ type: 'postgres', url: URL });
    await ds.initialize();
  });

  afterAll(async () => {
    await observer?.query(`DROP TABLE IF EXISTS ${TABLE}`);
    await Promise.all([client?.end(), observer?.end(), ds?.destroy()]);
  });

  beforeEach(() => observer.query(`TRUNCATE ${TABLE}`));

  const rows = async () => (await observer.query<{ n: number }>(`SELECT n FROM ${TABLE} ORDER BY n`)).rows.map((r) => r.n);

  it('sends the start with a first statement without parameters, in one round trip, and keeps the transaction', async () => {
    const trips = await roundTrips(async () => {
      await client.query('START TRANSACTION');
      const inserted = await client.query<{ n: number }>(`INSERT INTO ${TABLE} (n) VALUES (1) RETURNING n`);
      expect(inserted.rows).toEqual([{ n: 1 }]);
      await client.query('COMMIT');
    });
    expect(trips).toBe(2);
    expect(await rows()).toEqual([1]);

    await client.query('START TRANSACTION');
    await client.query(`INSERT INTO ${TABLE} (n) VALUES (2)`);
    expect(await rows()).toEqual([1]); // not committed: a transaction is open
    await client.query('ROLLBACK');
    expect(await rows()).toEqual([1]);
  });

  it('sends the start alone before a first statement with parameters', async () => {
    const trips = await roundTrips(async () => {
      await client.query('START TRANSACTION');
      await client.query(`INSERT INTO ${TABLE} (n) VALUES ($1)`, [3]);
      await client.query('ROLLBACK');
    });
    expect(trips).toBe(3);
    expect(await rows()).toEqual([]);
  });

  it('sends nothing for a transaction that ends before any statement', async () => {
    expect(await roundTrips(async () => {
      await client.query('START TRANSACTION');
      await client.query('COMMIT');
    })).toBe(0);
    expect((await client.query<{ ok: number }>('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
  });

  it("keeps TypeORM's transactions whole: isolation level, results, and a rollback on failure", async () => {
    const level = await ds.transaction('SERIALIZABLE', async (tx) => (await tx.query('SHOW transaction_isolation'))[0].transaction_isolation);
    expect(level).toBe('serializable');

    await expect(ds.transaction(async (tx) => {
      await tx.query(`INSERT INTO ${TABLE} (n) VALUES (4)`);
      await tx.query(`INSERT INTO ${TABLE} (n) VALUES ($1)`, [5]);
      throw new Error('changed my mind');
    })).rejects.toThrow('changed my mind');
    expect(await rows()).toEqual([]);

    await expect(ds.transaction((tx) => tx.query(`INSERT INTO ${TABLE} (n) VALUES (1 / 0)`))).rejects.toThrow('division by zero');
    await ds.transaction((tx) => tx.query(`INSERT INTO ${TABLE} (n) VALUES (6)`));
    expect(await rows()).toEqual([6]);
  });
});
