import { createDataSource } from '@rotor/event-store';
import { DataSource } from 'typeorm';
import { SCHEDULER_MIGRATIONS } from './migrations';

/** Read by tools/migrate.ts: the scheduler's database and how to reach it. */
export const DATABASE_NAME = 'rotor_scheduler';
export const DEFAULT_DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${DATABASE_NAME}`;

/** The event store's outbox and inbox tables plus `schedules`; the schema only changes by migration. */
export function createAppDataSource(url: string = process.env['DATABASE_URL'] || DEFAULT_DATABASE_URL): DataSource {
  return createDataSource({ url, migrations: SCHEDULER_MIGRATIONS });
}
