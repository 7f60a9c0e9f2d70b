import { Client, ClientConfig } from 'pg';
import { DataSource } from 'typeorm';
import { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';

/**
 * A dedicated connection outside TypeORM's pool, for what must live on one session: LISTEN
 * and a session-level advisory lock. Closing it releases both, even if the process dies,
 * which a pooled connection handed back to the pool would not do.
 */
export function sessionClient(ds: DataSource, applicationName: string): Client {
  const o = ds.options as PostgresConnectionOptions;
  if (o.type !== 'postgres') throw new Error(`the outbox relay needs a postgres DataSource, got ${o.type}`);
  const config: ClientConfig = o.url
    ? { connectionString: o.url }
    : { host: o.host, port: o.port, user: o.username, password: o.password, database: o.database };
  return new Client({ ...config, ssl: o.ssl as ClientConfig['ssl'], application_name: applicationName });
}
