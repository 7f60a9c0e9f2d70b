import { createDataSource } from '@rotor/event-store';
import { DataSource } from 'typeorm';
import { AlertsInit1767571200000 } from './schema/1767571200000-alerts-init';

/** tools/migrate.ts creates this database and runs the migrations below (never `synchronize`). */
export const DATABASE_NAME = 'rotor_alerts';

export const ALERTS_MIGRATIONS = [AlertsInit1767571200000];

export function defaultDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env['DATABASE_URL'] || `postgres://postgres@127.0.0.1:5432/${DATABASE_NAME}`;
}

/** The event store's tables (the inbox; the outbox stays empty) and the alerts tables, through migrations only. */
export function createAppDataSource(url: string = defaultDatabaseUrl()): DataSource {
  return createDataSource({ url, migrations: ALERTS_MIGRATIONS });
}
