import { canonicalSecretPath } from './secret-location';
import { secretValueContext } from './secret-sealer';

describe('secret folders', () => {
  it.each([
    ['/', '/'],
    ['//', '/'],
    ['/app', '/app'],
    ['/app/', '/app'],
    ['//app//cache/', '/app/cache'],
  ])('spells %s as %s', (given, expected) => {
    expect(canonicalSecretPath(given)).toBe(expected);
  });
});

describe('the sealing context of a secret value', () => {
  const loc = { projectId: 'p1', environment: 'dev', secretPath: '/a', secretKey: 'K' };

  it('differs for every project, environment, path, key and version', () => {
    const contexts = [
      secretValueContext(loc, 1),
      secretValueContext({ ...loc, projectId: 'p2' }, 1),
      secretValueContext({ ...loc, environment: 'prod' }, 1),
      secretValueContext({ ...loc, secretPath: '/b' }, 1),
      secretValueContext({ ...loc, secretKey: 'L' }, 1),
      secretValueContext(loc, 2),
    ].map((c) => JSON.stringify(c));
    expect(new Set(contexts).size).toBe(contexts.length);
  });

  it('cannot be confused by separators inside the names', () => {
    const a = secretValueContext({ ...loc, environment: 'dev:x', secretKey: 'K' }, 1);
    const b = secretValueContext({ ...loc, environment: 'dev', secretKey: 'x:K' }, 1);
    expect(a.owner).not.toBe(b.owner);
  });
});
