import { createDataSource } from '@rotor/event-store';
import { envString } from '@rotor/util';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from './migrations';

/** Read by tools/migrate.ts, which creates this database and runs the migrations (never `synchronize`). */
export const DATABASE_NAME = 'rotor_config';

/** DATABASE_URL, else the local database of that name. */
export function databaseUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return envString('DATABASE_URL', `postgres://postgres@127.0.0.1:5432/${DATABASE_NAME}`, env);
}

/** The event store's tables (es_events, outbox, inbox) and rotation-config's own, through migrations only. */
export function createAppDataSource(url: string = databaseUrlFromEnv()): DataSource {
  return createDataSource({ url, migrations: MIGRATIONS });
}
