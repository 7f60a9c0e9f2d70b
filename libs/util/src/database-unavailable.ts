/**
 * SQLSTATEs that say "the server is not there for you right now", not "your query is wrong":
 * class 08 (connection exception), 57P01–57P03 (shut down by an administrator, crashed,
 * starting up or shutting down) and 53300 (too many connections).
 */
const UNAVAILABLE_SQLSTATES = /^(08...|57P0[123]|53300)$/;
/** Socket errors of a client that cannot reach its server. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** What node-postgres says when the connection it was using is gone (it sets no code). */
const PG_CLIENT_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable/;

/**
 * Whether a database call failed because the database is unavailable (restarting, failing
 * over, unreachable) rather than because of the call itself. Such a failure says nothing
 * about the request or the message being handled: the same work succeeds once the database
 * is back, so it is answered 503 (HTTP) or retried without end (consumers), never counted
 * against the work. Looks through TypeORM's `driverError` and `cause` chains.
 */
export function isDatabaseUnavailable(e: unknown): boolean {
  for (let current: unknown = e, depth = 0; typeof current === 'object' && current !== null && depth < 5; depth++) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (UNAVAILABLE_SQLSTATES.test(code) || SOCKET_CODES.has(code))) return true;
    if (typeof message === 'string' && PG_CLIENT_MESSAGES.test(message)) return true;
    const next = current as { driverError?: unknown; cause?: unknown; errors?: unknown };
    // AggregateError (a connect that tried several addresses) holds the socket errors.
    if (Array.isArray(next.errors) && next.errors.some((inner) => isDatabaseUnavailable(inner))) return true;
    current = next.driverError ?? next.cause;
  }
  return false;
}
