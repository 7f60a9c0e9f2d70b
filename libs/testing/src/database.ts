import { Client } from 'pg';
import { DataSource, DataSourceOptions } from 'typeorm';
import { testLane } from './lane';

type MigrationList = Extract<DataSourceOptions['migrations'], unknown[]>;

/** Where test databases live: TEST_POSTGRES_URL, else the local server with trust auth. */
function testPostgresUrl(): string {
  return process.env['TEST_POSTGRES_URL'] || 'postgres://postgres@127.0.0.1:5432/postgres';
}

/**
 * Drops and recreates `rotor_test_<name>`, runs `migrations` in it and returns its URL.
 * Each test file uses its own name, so files running in parallel never share a database
 * (and each test lane its own prefix, `rotor_test_lN_`, so two checkouts never do either).
 */
export async function testDatabaseUrl(name: string, migrations: MigrationList = []): Promise<string> {
  if (!/^[a-z0-9_]{1,50}$/.test(name)) throw new Error(`test database name must be [a-z0-9_], at most 50 characters: "${name}"`);
  const database = testLane() === 0 ? `rotor_test_${name}` : `rotor_test_l${testLane()}_${name}`;
  const admin = new Client({ connectionString: testPostgresUrl() });
  try {
    await admin.connect();
  } catch (e) {
    throw new Error(`No Postgres answers at ${new URL(testPostgresUrl()).host} (set TEST_POSTGRES_URL): ${(e as Error).message}`);
  }
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(testPostgresUrl());
  url.pathname = `/${database}`;
  if (migrations.length > 0) {
    const ds = new DataSource({ type: 'postgres', url: url.toString(), migrations, synchronize: false, logging: false });
    await ds.initialize();
    try {
      await ds.runMigrations();
    } finally {
      await ds.destroy();
    }
  }
  return url.toString();
}
