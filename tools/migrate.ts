/**
 * Creates each service's database if missing and runs its TypeORM migrations (never
 * `synchronize`). A service takes part by exporting from apps/<app>/src/data-source.ts:
 *   DATABASE_NAME: string; createAppDataSource(url?: string): DataSource
 * ROTOR_DATABASE_SUFFIX (e.g. `_e2e`) migrates a separate set of databases, for test runs
 * beside a running platform.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';

interface AppDataSourceModule {
  DATABASE_NAME: string;
  createAppDataSource(url?: string): DataSource;
}

const root = join(__dirname, '..');

export function serverUrl(database: string): string {
  const host = process.env['PGHOST'] ?? '127.0.0.1';
  const port = process.env['PGPORT'] ?? '5432';
  const user = process.env['PGUSER'] ?? 'postgres';
  return `postgres://${user}@${host}:${port}/${database}`;
}

async function ensureDatabase(name: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl('postgres') });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
      console.error(`[migrate] created database ${name}`);
    }
  } catch (e) {
    // Two runs may race to create it; the loser sees a duplicate.
    if (!/already exists/.test(String(e))) throw e;
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const apps = readdirSync(join(root, 'apps')).filter((a) => existsSync(join(root, 'apps', a, 'src', 'data-source.ts')));
  for (const app of apps) {
    const mod = require(join(root, 'apps', app, 'src', 'data-source.ts')) as AppDataSourceModule;
    const name = `${mod.DATABASE_NAME}${process.env['ROTOR_DATABASE_SUFFIX'] ?? ''}`;
    await ensureDatabase(name);
    const ds = mod.createAppDataSource(serverUrl(name));
    await ds.initialize();
    try {
      const ran = await ds.runMigrations({ transaction: 'each' });
      console.error(`[migrate] ${app}: ${name} up to date${ran.length ? ` (${ran.length} applied)` : ''}`);
    } finally {
      await ds.destroy();
    }
  }
}

main().catch((e) => {
  console.error(`[migrate] failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
