import { databasePoolSize } from '@rotor/util';
import { Client } from 'pg';
import { DataSource, DataSourceOptions } from 'typeorm';
import { EVENT_STORE_ENTITIES, EVENT_STORE_MIGRATIONS } from './schema';

type EntityList = Extract<DataSourceOptions['entities'], unknown[]>;
type MigrationList = Extract<DataSourceOptions['migrations'], unknown[]>;

export interface CreateDataSourceOptions {
  url: string;
  /** The app's own entities; the event store's are always added. */
  entities?: EntityList;
  /** The app's own migrations; the event store's are always added (and run first). */
  migrations?: MigrationList;
  /** Run pending migrations in `initialize()`. Off by default: apps migrate explicitly. */
  migrationsRun?: boolean;
}

/**
 * A Postgres DataSource that always carries the event store's tables, so no app can forget
 * them. The schema only changes through migrations: `synchronize` is off, always.
 */
export function createDataSource(opts: CreateDataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: opts.url,
    entities: union(EVENT_STORE_ENTITIES, opts.entities ?? []),
    migrations: union(EVENT_STORE_MIGRATIONS, opts.migrations ?? []),
    migrationsRun: opts.migrationsRun ?? false,
    synchronize: false,
    logging: false,
    extra: { max: databasePoolSize() },
  });
}

function union<T>(first: readonly T[], second: readonly T[]): T[] {
  return [...new Set([...first, ...second])];
}

/** `CREATE DATABASE` for the database named in `url` if it does not exist (connects to "postgres"). */
export async function ensureDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return;
    await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
  } catch (e) {
    // Another process created it between our check and our CREATE: that is what we wanted.
    const code = (e as { code?: string }).code;
    if (code !== '42P04' && code !== '23505') throw e;
  } finally {
    await client.end();
  }
}

export function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!name) throw new Error(`database URL names no database: ${new URL(url).host}`);
  return name;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
