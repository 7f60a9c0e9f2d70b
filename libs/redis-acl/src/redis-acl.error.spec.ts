import { REDACTED, RedisAclError, redactSecrets } from './redis-acl.error';

describe('redactSecrets', () => {
  it('masks every occurrence of every secret', () => {
    expect(redactSecrets("ERR modifier '>pw1' near pw1; admin adm", ['pw1', 'adm'])).toBe(`ERR modifier '>${REDACTED}' near ${REDACTED}; ${REDACTED}in ${REDACTED}`);
  });

  it('masks the longer of two overlapping secrets whole', () => {
    expect(redactSecrets('secret-long', ['secret', 'secret-long'])).toBe(REDACTED);
  });

  it('ignores empty and missing secrets', () => {
    expect(redactSecrets('text', ['', null, undefined])).toBe('text');
  });
});

describe('RedisAclError', () => {
  it('carries a code, the node and whether a retry may help', () => {
    const e = new RedisAclError('unreachable', 'Cannot reach Redis at 10.0.0.1:6379', '10.0.0.1:6379', true);
    expect(e).toBeInstanceOf(Error);
    expect(e).toMatchObject({ name: 'RedisAclError', code: 'unreachable', node: '10.0.0.1:6379', retryable: true });
  });
});
