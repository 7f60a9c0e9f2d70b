import { createDataSource } from '@rotor/event-store';
import { envString } from '@rotor/util';
import { DataSource } from 'typeorm';
import { ExecutorJobs1767400000000 } from './executor-jobs/1767400000000-executor-jobs';
import { ExecutorJobEntity } from './executor-jobs/executor-job.entity';
import { VerificationTargets1767500000000 } from './verification/1767500000000-verification-targets';

/** tools/migrate.ts convention: the database and the DataSource that migrates it. */
export const DATABASE_NAME = 'rotor_executor';

export const EXECUTOR_ENTITIES = [ExecutorJobEntity];
/** The executor's own migrations; createDataSource adds (and runs first) the event store's. */
export const EXECUTOR_MIGRATIONS = [ExecutorJobs1767400000000, VerificationTargets1767500000000];

export function defaultDatabaseUrl(): string {
  return envString('DATABASE_URL', `postgres://postgres@127.0.0.1:5432/${DATABASE_NAME}`);
}

export function createAppDataSource(url: string = defaultDatabaseUrl()): DataSource {
  return createDataSource({ url, entities: EXECUTOR_ENTITIES, migrations: EXECUTOR_MIGRATIONS });
}
