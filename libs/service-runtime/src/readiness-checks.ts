import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { ReadinessCheck } from './readiness';

/** Postgres answers a query on the service's own connection pool. */
export function postgresCheck(ds: DataSource): ReadinessCheck {
  return async () => {
    await ds.query('SELECT 1');
  };
}

/** Something the service runs (a consumer, a loop) is running; `name` says what in the answer. */
export function runningCheck(name: string, what: { isRunning(): boolean }): ReadinessCheck {
  return async () => {
    if (!what.isRunning()) throw new Error(`${name} not running`);
  };
}

/** A Kafka broker answers a metadata request, on a short-lived admin client that never retries. */
export function kafkaCheck(kafka: Kafka): ReadinessCheck {
  return async () => {
    const admin = kafka.admin({ retry: { retries: 0 } });
    try {
      await admin.connect();
      await admin.describeCluster();
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  };
}
