import { Client } from 'pg';
import { Counter, register } from 'prom-client';

const COUNTED = Symbol.for('rotor.postgresStatementsCounted');

/**
 * `rotor_postgres_statements_total` on prom-client's default registry (served at /metrics):
 * every statement this process sends to Postgres — TypeORM's pool and the dedicated sessions
 * (LISTEN, advisory locks) alike, BEGIN and COMMIT included — so `npm run bench` can say what
 * a rotation costs the database in round trips. Counted where every path meets, pg's
 * `Client.prototype.query`, as OpenTelemetry's pg instrumentation does; a query string holding
 * several statements is one round trip and counts once. Idempotent.
 */
export function countPostgresStatements(): void {
  const prototype = Client.prototype as Client & { [COUNTED]?: true };
  if (prototype[COUNTED]) return;
  const statements =
    (register.getSingleMetric('rotor_postgres_statements_total') as Counter | undefined) ??
    new Counter({ name: 'rotor_postgres_statements_total', help: 'Statements sent to Postgres by this process' });
  const query = prototype.query as (...args: unknown[]) => unknown;
  prototype.query = function countedQuery(this: Client, ...args: unknown[]) {
    statements.inc();
    return query.apply(this, args);
  } as Client['query'];
  prototype[COUNTED] = true;
}
