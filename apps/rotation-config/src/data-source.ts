import { createDataSource } from '@rotor/event-store';
import { DataSource } from 'typeorm';
import { DATABASE_NAME, readRotationConfigSettings } from './config/rotation-config.config';
import { ROTATION_CONFIG_MIGRATIONS } from './database/migrations';

/** Read by tools/migrate.ts: the event store's tables and rotation-config's own, through migrations only. */
export { DATABASE_NAME };

export function createAppDataSource(url: string = readRotationConfigSettings().databaseUrl): DataSource {
  return createDataSource({ url, migrations: ROTATION_CONFIG_MIGRATIONS });
}
