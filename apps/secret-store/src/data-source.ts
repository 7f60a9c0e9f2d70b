import { createDataSource } from '@rotor/event-store';
import { DataSource } from 'typeorm';
import { SecretStoreInit1767484800000 } from './schema/1767484800000-secret-store-init';
import { SecretVersionsJobIndex1767571200000 } from './schema/1767571200000-secret-versions-job-index';

/** tools/migrate.ts creates this database and runs the migrations below (never `synchronize`). */
export const DATABASE_NAME = 'rotor_secrets';

export const SECRET_STORE_MIGRATIONS = [SecretStoreInit1767484800000, SecretVersionsJobIndex1767571200000];

export function defaultDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env['DATABASE_URL'] || `postgres://postgres@127.0.0.1:5432/${DATABASE_NAME}`;
}

/** The event store's tables (outbox, inbox) and the secret store's own, through migrations only. */
export function createAppDataSource(url: string = defaultDatabaseUrl()): DataSource {
  return createDataSource({ url, migrations: SECRET_STORE_MIGRATIONS });
}
