import { Client } from 'pg';
import { register } from 'prom-client';
import { countPostgresStatements } from './postgres-statements';

const URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function counted(): Promise<number> {
  const metric = register.getSingleMetric('rotor_postgres_statements_total');
  if (!metric) return 0;
  return (await metric.get()).values.reduce((sum, v) => sum + v.value, 0);
}

describe('countPostgresStatements', () => {
  it('counts every statement a pg client sends, once, however often it is installed', async () => {
    countPostgresStatements();
    countPostgresStatements();
    const client = new Client({ connectionString: URL });
    await client.connect();
    try {
      const before = await counted();
      await client.query('BEGIN');
      const { rows } = await client.query<{ n: number }>('SELECT $1::int AS n', [7]);
      await client.query('COMMIT');
      expect(rows[0].n).toBe(7);
      expect((await counted()) - before).toBe(3);
      // The callback form goes through the same counter.
      await new Promise<void>((resolve, reject) => client.query('SELECT 1', (e) => (e ? reject(e) : resolve())));
      expect((await counted()) - before).toBe(4);
    } finally {
      await client.end();
    }
  });
});
