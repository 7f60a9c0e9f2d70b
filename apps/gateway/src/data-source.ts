import { databasePoolSize, envString } from '@rotor/util';
import { DataSource, DataSourceOptions } from 'typeorm';
import { GATEWAY_ENTITIES } from './database/entities';
import { MIGRATIONS } from './migrations';

/** Read by tools/migrate.ts, which creates this database and runs the migrations (never `synchronize`). */
export const DATABASE_NAME = 'rotor_gateway';

/** DATABASE_URL, else the local database of that name. */
export function databaseUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return envString('DATABASE_URL', `postgres://postgres@127.0.0.1:5432/${DATABASE_NAME}`, env);
}

export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: GATEWAY_ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'gateway_migrations',
    synchronize: false,
    logging: false,
    extra: { max: databasePoolSize() },
  };
}

/** The gateway's tables (and the outbox its audit records leave through), through migrations only. */
export function createAppDataSource(url: string = databaseUrlFromEnv()): DataSource {
  return new DataSource(dataSourceOptions(url));
}
