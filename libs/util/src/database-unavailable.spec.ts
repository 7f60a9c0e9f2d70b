import { isDatabaseUnavailable } from './database-unavailable';

/** What TypeORM throws: a QueryFailedError wrapping the driver's error. */
function queryFailed(driverError: object): Error {
  return Object.assign(new Error('query failed'), { name: 'QueryFailedError', driverError });
}

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a server shut down by an administrator (57P01)', queryFailed({ code: '57P01', message: 'terminating connection due to administrator command' })],
    ['a server shutting down or starting up (57P03)', queryFailed({ code: '57P03', message: 'the database system is shutting down' })],
    ['a connection failure (08006)', queryFailed({ code: '08006', message: 'connection failure' })],
    ['too many connections (53300)', Object.assign(new Error('sorry, too many clients already'), { code: '53300' })],
    ['a refused connect', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['a refused connect to every address', Object.assign(new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })], ''), {})],
    ['a connection the pool lost', new Error('Connection terminated unexpectedly')],
    ['a connect that timed out', new Error('timeout exceeded when trying to connect')],
    ['the same, as a cause', new Error('could not handle', { cause: new Error('Connection terminated due to connection timeout') })],
  ])('is true for %s', (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation (23505)', queryFailed({ code: '23505', constraint: 'x_uq' })],
    ['a syntax error (42601)', queryFailed({ code: '42601' })],
    ['a serialization failure (40001)', queryFailed({ code: '40001' })],
    ['an error without a code', new Error('handler failed')],
    ['a value that is not an error', 'ECONNREFUSED'],
    ['nothing', undefined],
  ])('is false for %s', (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
