import { redact, redactObject, redactRedisError } from './redact';

describe('redact', () => {
  it('replaces every occurrence of each secret', () => {
    expect(redact('pw=s3cr3t again s3cr3t, token=abc123', ['s3cr3t', 'abc123'])).toBe(
      'pw=[REDACTED] again [REDACTED], token=[REDACTED]',
    );
  });

  it('replaces the URL-encoded form of a secret', () => {
    const secret = 'p@ss/w0rd:+ x';
    expect(redact(`redis://u:${encodeURIComponent(secret)}@h:6379`, [secret])).toBe('redis://u:[REDACTED]@h:6379');
    expect(redact('password=p%40ss%2Fw0rd%3A%2B+x&u=1', [secret])).toBe('password=[REDACTED]&u=1');
  });

  it('masks a secret that contains another secret whole', () => {
    expect(redact('value: abcdef', ['abc', 'abcdef'])).toBe('value: [REDACTED]');
  });

  it('treats secrets literally, not as patterns', () => {
    expect(redact('a.b a+b (x)*', ['a.b', '(x)*'])).toBe('[REDACTED] a+b [REDACTED]');
  });

  it('ignores empty and missing secrets', () => {
    expect(redact('nothing to hide', ['', null, undefined])).toBe('nothing to hide');
  });

  it('masks the password of any URL with credentials', () => {
    expect(redact('connect redis://admin:unknown@10.0.0.1:6379 failed', [])).toBe('connect redis://admin:[REDACTED]@10.0.0.1:6379 failed');
    expect(redact('rediss://:onlypass@host', [])).toBe('rediss://:[REDACTED]@host');
    expect(redact('http://host:8080/path', [])).toBe('http://host:8080/path');
  });
});

describe('redactObject', () => {
  it('masks password, secret, token, authorization and …key fields at any depth', () => {
    const input = {
      username: 'rotor_x_0',
      password: 'p1',
      adminPassword: 'p2',
      passwd: 'p3',
      clientSecret: 's1',
      accessToken: 't1',
      headers: { Authorization: 'Bearer t2', 'x-rotor-internal-token': 't3', accept: 'json' },
      rootKey: 'k1',
      apiKey: 'k2',
      keyspace: 'visible',
      keys: ['visible'],
      nodes: [{ host: 'h', password: 'p4' }],
    };
    expect(redactObject(input)).toEqual({
      username: 'rotor_x_0',
      password: '[REDACTED]',
      adminPassword: '[REDACTED]',
      passwd: '[REDACTED]',
      clientSecret: '[REDACTED]',
      accessToken: '[REDACTED]',
      headers: { Authorization: '[REDACTED]', 'x-rotor-internal-token': '[REDACTED]', accept: 'json' },
      rootKey: '[REDACTED]',
      apiKey: '[REDACTED]',
      keyspace: 'visible',
      keys: ['visible'],
      nodes: [{ host: 'h', password: '[REDACTED]' }],
    });
  });

  it('masks whole objects under a sensitive key, and keeps null as null', () => {
    expect(redactObject({ secret: { a: 1 }, token: null, password: undefined })).toEqual({
      secret: '[REDACTED]',
      token: null,
      password: undefined,
    });
  });

  it('leaves the original untouched', () => {
    const input = { nested: { password: 'p' } };
    const output = redactObject(input);
    expect(input.nested.password).toBe('p');
    expect(output).not.toBe(input);
    expect(output.nested).not.toBe(input.nested);
  });

  it('copies dates, maps, errors and cycles', () => {
    const when = new Date('2026-03-01T00:00:00Z');
    const cyclic: Record<string, unknown> = { name: 'a', token: 't' };
    cyclic.self = cyclic;
    const error = Object.assign(new Error('failed for redis://u:pw@h'), { password: 'p' });
    const out = redactObject({ when, map: new Map([['password', 'p'], ['user', 'u']]), cyclic, error });
    expect(out.when).toEqual(when);
    expect(out.when).not.toBe(when);
    expect([...out.map]).toEqual([['password', '[REDACTED]'], ['user', 'u']]);
    expect(out.cyclic.token).toBe('[REDACTED]');
    expect(out.cyclic.self).toBe(out.cyclic);
    expect(out.error).toBeInstanceOf(Error);
    expect(out.error.message).toBe('failed for redis://u:[REDACTED]@h');
    expect((out.error as unknown as { password: string }).password).toBe('[REDACTED]');
  });

  it('passes primitives through', () => {
    expect(redactObject(42)).toBe(42);
    expect(redactObject(null)).toBeNull();
    expect(redactObject('plain')).toBe('plain');
  });
});

describe('redactRedisError', () => {
  it.each([
    ['an ACL SETUSER password rule', "ERR Error in ACL SETUSER modifier '>s3cr3t-pw': Syntax error", "ERR Error in ACL SETUSER modifier '>[REDACTED]"],
    ['a password removal rule', 'ACL SETUSER rotor_x <old-pw ~*', 'ACL SETUSER rotor_x <[REDACTED]'],
    ['an echoed AUTH', 'command AUTH rotor_x s3cr3t-pw failed', 'command AUTH [REDACTED]'],
    ['an echoed HELLO … AUTH', 'HELLO 3 AUTH admin s3cr3t-pw', 'HELLO 3 AUTH [REDACTED]'],
    ['an echoed command array', 'command ["auth","admin","s3cr3t-pw"] failed', 'command ["auth", [REDACTED]'],
    ['CONFIG SET masterauth', 'CONFIG SET masterauth s3cr3t-pw', 'CONFIG SET masterauth [REDACTED]'],
  ])('strips %s', (_what, message, expected) => {
    expect(redactRedisError(message)).toBe(expected);
    expect(redactRedisError(message)).not.toContain('s3cr3t');
  });

  it('masks known secrets anywhere, even in a message with no command', () => {
    expect(redactRedisError('unexpected reply for s3cr3t-pw', ['s3cr3t-pw'])).toBe('unexpected reply for [REDACTED]');
  });

  it.each([
    'NOAUTH Authentication required.',
    'WRONGPASS invalid username-password pair or user is disabled.',
    "ERR wrong number of arguments for 'auth' command",
    'NOPERM User rotor_x has no permissions to run the \'ping\' command',
    'connect ECONNREFUSED 127.0.0.1:6379 -> retrying',
    'replicas >= 1 and lag < 5',
  ])('leaves messages without a credential readable: %s', (message) => {
    expect(redactRedisError(message)).toBe(message);
  });

  it('only strips to the end of the line', () => {
    expect(redactRedisError('AUTH x pw\nnext line')).toBe('AUTH [REDACTED]\nnext line');
  });
});
