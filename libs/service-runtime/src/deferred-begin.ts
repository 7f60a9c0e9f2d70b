import { Client, QueryResult } from 'pg';

const INSTALLED = Symbol.for('rotor.postgresBeginDeferred');
const PENDING = Symbol('rotor.beginPending');

const START = /^\s*(START TRANSACTION|BEGIN)\s*;?\s*$/i;
const END = /^\s*(COMMIT|ROLLBACK)\s*;?\s*$/i;

type Deferring = Client & { [PENDING]?: string };
type Query = (this: Client, ...args: unknown[]) => unknown;

/**
 * Sends a transaction's START TRANSACTION together with its first statement, in one round
 * trip, where that statement has no parameters (pg then sends both in one simple-protocol
 * query, which Postgres runs in order): the consumers' inbox claim opens every transaction
 * they run, so each costs one round trip less. A transaction whose first statement has
 * parameters gets its START TRANSACTION sent alone, first, as before; one that ends before
 * any statement (COMMIT or ROLLBACK right after the start) sends nothing at all.
 *
 * Applied where every path to Postgres meets, pg's `Client.prototype.query`, to the promise
 * form of the call (TypeORM's); a call with a callback, or a query object, is never merged.
 * Idempotent. Install it after countPostgresStatements so the counter sees round trips.
 */
export function deferTransactionStart(): void {
  const prototype = Client.prototype as Client & { [INSTALLED]?: true };
  if (prototype[INSTALLED]) return;
  const query = prototype.query as Query;
  prototype.query = function deferredQuery(this: Deferring, ...args: unknown[]) {
    const [text, values, callback] = args;
    const simple = typeof text === 'string' && (values === undefined || (Array.isArray(values) && values.length === 0)) && callback === undefined;
    const pending = this[PENDING];
    if (pending === undefined) {
      if (!simple || !START.test(text as string)) return query.apply(this, args);
      this[PENDING] = (text as string).trim().replace(/;$/, '');
      return Promise.resolve(emptyResult('BEGIN'));
    }
    this[PENDING] = undefined;
    if (simple && END.test(text as string)) return Promise.resolve(emptyResult(/^\s*COMMIT/i.test(text as string) ? 'COMMIT' : 'ROLLBACK'));
    if (simple) {
      // Several statements in one query string: pg answers with one result each.
      return (query.call(this, `${pending};\n${text as string}`) as Promise<QueryResult[]>).then((results) => {
        const own = results.slice(1);
        return own.length === 1 ? own[0] : own;
      });
    }
    return (query.call(this, pending) as Promise<unknown>).then(() => query.apply(this, args));
  } as Client['query'];
  prototype[INSTALLED] = true;
}

function emptyResult(command: string): QueryResult {
  return { command, rowCount: null, oid: 0, rows: [], fields: [] };
}
