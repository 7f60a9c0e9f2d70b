import { inspect } from 'node:util';
import { commandFailure, connectFailure, tlsOptions } from './connection';
import { nodeName } from './redis-target';

describe('tlsOptions', () => {
  const base = { enabled: true, caCertificate: 'PEM', rejectUnauthorized: true };

  it('is absent when TLS is off', () => {
    expect(tlsOptions({ host: 'redis', port: 1 }, { ...base, enabled: false })).toBeUndefined();
    expect(tlsOptions({ host: 'redis', port: 1 }, null)).toBeUndefined();
  });

  it('sends the host name as SNI, but never an IP address', () => {
    expect(tlsOptions({ host: 'redis.internal', port: 1 }, base)).toEqual({ ca: 'PEM', rejectUnauthorized: true, servername: 'redis.internal' });
    expect(tlsOptions({ host: '10.0.0.7', port: 1 }, base)).toEqual({ ca: 'PEM', rejectUnauthorized: true });
  });

  it('prefers an explicit server name, for nodes reported by IP (sentinel, cluster)', () => {
    expect(tlsOptions({ host: '10.0.0.7', port: 1 }, { ...base, servername: 'redis.internal' })?.servername).toBe('redis.internal');
  });

  it('uses the system CAs when no CA is given', () => {
    expect(tlsOptions({ host: 'redis', port: 1 }, { ...base, caCertificate: null })).not.toHaveProperty('ca');
  });
});

describe('nodeName', () => {
  it('brackets IPv6 hosts', () => {
    expect(nodeName({ host: '::1', port: 6379 })).toBe('[::1]:6379');
    expect(nodeName({ host: '127.0.0.1', port: 6379 })).toBe('127.0.0.1:6379');
  });
});

describe('failures never carry a credential', () => {
  const node = { host: '10.0.0.7', port: 6379 };
  const replyError = (message: string) => Object.assign(new Error(message), { name: 'ReplyError', command: { name: 'acl', args: ['SETUSER', 'u', '>new-pw'] } });

  it('masks the passwords that a Redis reply echoes, and drops the original error', () => {
    const e = commandFailure('SETUSER_FAILED', 'ACL SETUSER u', node, replyError("ERR Error in ACL SETUSER modifier '>new-pw': admin-pw"), ['new-pw', 'admin-pw']);
    expect(e).toMatchObject({ code: 'SETUSER_FAILED', node: '10.0.0.7:6379', retryable: false });
    expect(inspect(e, { depth: 10 })).not.toMatch(/new-pw|admin-pw/);
  });

  it('calls a dropped connection retryable, and a transient reply too', () => {
    expect(commandFailure('PERSIST_FAILED', 'ACL SAVE', node, new Error('Connection is closed.'), []).retryable).toBe(true);
    expect(commandFailure('SETUSER_FAILED', 'ACL SETUSER', node, replyError('LOADING Redis is loading the dataset in memory'), []).retryable).toBe(true);
  });

  it('tells a certificate problem from an unreachable host', () => {
    const cert = Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' });
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:6379'), { code: 'ECONNREFUSED' });
    expect(connectFailure(cert, node, { enabled: true, rejectUnauthorized: true }, [])).toMatchObject({ code: 'tls', retryable: false });
    expect(connectFailure(refused, node, null, [])).toMatchObject({ code: 'unreachable', retryable: true });
  });
});
