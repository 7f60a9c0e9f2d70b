import { Client } from 'pg';
import { prepareRepeatedStatements } from './prepared-statements';

const URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function prepared(client: Client): Promise<string[]> {
  const { rows } = await client.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements ORDER BY statement');
  return rows.map((r) => r.statement);
}

describe('prepareRepeatedStatements', () => {
  let client: Client;

  beforeAll(async () => {
    prepareRepeatedStatements({ after: 3 });
    prepareRepeatedStatements({ after: 3 });
    client = new Client({ connectionString: URL });
    await client.connect();
  });

  afterAll(() => client.end());

  it('prepares a parameterized statement on its third execution, and answers the same', async () => {
    const text = 'SELECT $1::int + 1 AS n';
    const answers: number[] = [];
    for (let i = 0; i < 2; i++) answers.push((await client.query<{ n: number }>(text, [i])).rows[0].n);
    expect(await prepared(client)).toEqual([]);
    for (let i = 2; i < 5; i++) answers.push((await client.query<{ n: number }>(text, [i])).rows[0].n);
    expect(answers).toEqual([1, 2, 3, 4, 5]);
    expect(await prepared(client)).toEqual([text]);
    // The callback form too.
    const n = await new Promise<number>((resolve, reject) =>
      client.query<{ n: number }>(text, [9], (e, r) => (e ? reject(e) : resolve(r.rows[0].n))),
    );
    expect(n).toBe(10);
  });

  it('leaves statements without parameters, and those selecting or returning *, unnamed', async () => {
    for (let i = 0; i < 4; i++) {
      await client.query('SELECT 1 AS one');
      await client.query('SELECT * FROM pg_database WHERE datname = $1', ['postgres']);
      await client.query('SELECT d.* FROM pg_database d WHERE d.datname = $1', ['postgres']);
      await client.query('SELECT count(*) FROM pg_database WHERE datname = $1', ['postgres']);
    }
    expect(await prepared(client)).toEqual(['SELECT $1::int + 1 AS n']);
  });

  it('surfaces a failing prepared statement as the same error, and keeps working after it', async () => {
    const text = 'SELECT 1 / $1::int AS n';
    for (let i = 0; i < 3; i++) await client.query(text, [1]);
    await expect(client.query(text, [0])).rejects.toThrow('division by zero');
    expect((await client.query<{ n: number }>(text, [1])).rows[0].n).toBe(1);
  });
});
