import { DataSource, DataSourceOptions } from 'typeorm';
import { DEFAULT_DATABASE_URL } from './config/gateway-config';
import { GATEWAY_ENTITIES } from './database/entities';
import { GATEWAY_MIGRATIONS } from './database/migrations';

/** Read by tools/migrate.ts: the gateway's database and how to reach it. */
export const DATABASE_NAME = 'rotor_gateway';

export function gatewayDataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: GATEWAY_ENTITIES,
    migrations: GATEWAY_MIGRATIONS,
    migrationsTableName: 'gateway_migrations',
    synchronize: false,
    logging: false,
  };
}

export function createAppDataSource(url: string = process.env['DATABASE_URL'] || DEFAULT_DATABASE_URL): DataSource {
  return new DataSource(gatewayDataSourceOptions(url));
}
