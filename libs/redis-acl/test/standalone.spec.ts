import { inspect } from 'node:util';
import { checkConnection, discoverNodes, revokeUsers, rotateUser, verifyCredential, type RedisAclError } from '../src';
import { address, newPassword, rejectionOf, rotationUsers, singleTarget } from './fixtures';
import { ADMIN_PASSWORD, RedisFleet, freePort, type RedisServer } from '@rotor/testing';

const fleet = new RedisFleet();
let server: RedisServer;

beforeAll(async () => {
  server = await fleet.start({
    users: [
      'user no-setuser on >limited-pw-1 ~* &* +@all -acl|setuser',
      'user no-dryrun on >limited-pw-2 ~* &* +@all -acl|dryrun',
      'user no-dryrun-no-deluser on >limited-pw-3 ~* &* +@all -acl|dryrun -acl|deluser',
      'user no-acl on >limited-pw-4 ~* &* +@all -acl',
      // The narrow admin the README suggests.
      'user narrow-admin on >narrow-pw -@all +acl +config|get +info +cluster|nodes +ping',
    ],
  });
});
afterAll(() => fleet.stopAll());

describe('a standalone server', () => {
  it('finds one node, the primary', async () => {
    await expect(discoverNodes(singleTarget(server))).resolves.toEqual([{ host: server.host, port: server.port, role: 'primary' }]);
  });

  it('sets a user that authenticates, and reports the node', async () => {
    const [user] = rotationUsers();
    const password = newPassword();
    const result = await rotateUser(singleTarget(server), { username: user, password, rules: ['~*', '+@all'] });
    expect(result.nodes).toEqual([server.name]);
    await expect(verifyCredential(address(server), null, user, password)).resolves.toBe(true);
    await expect(verifyCredential(address(server), null, user, 'not-the-password')).resolves.toBe(false);
  });

  it('uses one admin connection for discovery, the change and the save, and one fresh connection to verify', async () => {
    const received = async () =>
      Number(/total_connections_received:(\d+)/.exec(await server.withAdmin((c) => c.info('stats')))?.[1]);
    const [user] = rotationUsers();
    const before = await received();
    await rotateUser(singleTarget(server), { username: user, password: newPassword(), rules: ['~*', '+@all'] });
    // The two connections of the rotation, and the one that asks after it.
    expect((await received()) - before).toBe(3);
  });

  it('passes each rule as its own argument, so a scope like ~app:* +get +set applies exactly', async () => {
    const [user] = rotationUsers();
    const password = newPassword();
    await rotateUser(singleTarget(server), { username: user, password, rules: ['~app:*', '+get', '+set'] });
    const scoped = await server.admin();
    try {
      await scoped.auth(user, password);
      await expect(scoped.set('app:greeting', 'hi')).resolves.toBe('OK');
      await expect(scoped.get('app:greeting')).resolves.toBe('hi');
      await expect(scoped.get('other:greeting')).rejects.toThrow(/NOPERM/);
      await expect(scoped.del('app:greeting')).rejects.toThrow(/NOPERM/);
    } finally {
      scoped.disconnect();
    }
  });

  it('keeps a password with spaces and ACL syntax as one password', async () => {
    const [user] = rotationUsers();
    await rotateUser(singleTarget(server), { username: user, password: 'a b >c nopass', rules: ['~*', '+@all'] });
    await expect(verifyCredential(address(server), null, user, 'a b >c nopass')).resolves.toBe(true);
    await expect(verifyCredential(address(server), null, user, 'c')).resolves.toBe(false);
    await expect(verifyCredential(address(server), null, user, '')).resolves.toBe(false);
  });

  it('resets the user, so the password and rules of the previous rotation do not survive', async () => {
    const [user] = rotationUsers();
    const first = newPassword();
    const second = newPassword();
    await rotateUser(singleTarget(server), { username: user, password: first, rules: ['~*', '+@all'] });
    await rotateUser(singleTarget(server), { username: user, password: second, rules: ['~app:*', '+get'] });
    await expect(verifyCredential(address(server), null, user, first)).resolves.toBe(false);
    await expect(verifyCredential(address(server), null, user, second)).resolves.toBe(true);
    const rules = await server.withAdmin(async (c) => c.call('ACL', 'GETUSER', user));
    expect(JSON.stringify(rules)).not.toContain('+@all');
  });

  it.each(['default', 'rotor-admin', 'rotor_abc_0', `rotor_${'A'.repeat(32)}_0`, `rotor_${'a'.repeat(32)}_2`])(
    'refuses to touch %s, a user Rotor did not create',
    async (name) => {
      const before = await server.withAdmin(async (c) => c.call('ACL', 'LIST'));
      const e = await rejectionOf(rotateUser(singleTarget(server), { username: name, password: newPassword(), rules: ['+@all'] }));
      expect(e).toMatchObject({ code: 'NOT_ROTOR_USER', retryable: false });
      await expect(rejectionOf(revokeUsers(singleTarget(server), [name]))).resolves.toMatchObject({ code: 'NOT_ROTOR_USER' });
      await expect(server.withAdmin(async (c) => c.call('ACL', 'LIST'))).resolves.toEqual(before);
    },
  );

  it.each([['nopass'], ['>second-password'], ['#' + 'a'.repeat(64)], ['resetpass'], ['off'], ['']])(
    'refuses the rule %p, which would change how the user authenticates',
    async (rule) => {
      const [user] = rotationUsers();
      const e = await rejectionOf(rotateUser(singleTarget(server), { username: user, password: newPassword(), rules: ['~*', rule] }));
      expect(e).toMatchObject({ code: 'INVALID_RULES' });
      expect(e.message).not.toContain('second-password');
      await expect(server.withAdmin(async (c) => c.call('ACL', 'GETUSER', user))).resolves.toBeNull();
    },
  );

  it('reports a rule Redis rejects as SETUSER_FAILED, without the new or the admin password', async () => {
    const [user] = rotationUsers();
    const password = newPassword();
    const e = (await rejectionOf(
      rotateUser(singleTarget(server), { username: user, password, rules: ['~*', '+nosuchcommand'] }),
    )) as unknown as RedisAclError;
    expect(e).toMatchObject({ code: 'SETUSER_FAILED', node: server.name, retryable: false });
    expect(e.message).toContain('+nosuchcommand');
    for (const text of [e.message, inspect(e, { depth: 10 }), JSON.stringify(e)]) {
      expect(text).not.toContain(password);
      expect(text).not.toContain(ADMIN_PASSWORD);
    }
  });

  it('revokes both users of a rotation', async () => {
    const users = rotationUsers();
    const passwords = [newPassword(), newPassword()];
    await rotateUser(singleTarget(server), { username: users[0], password: passwords[0], rules: ['+@all'] });
    await rotateUser(singleTarget(server), { username: users[1], password: passwords[1], rules: ['+@all'] });
    await expect(revokeUsers(singleTarget(server), users)).resolves.toEqual({ nodes: [server.name] });
    for (const [i, user] of users.entries()) {
      await expect(verifyCredential(address(server), null, user, passwords[i])).resolves.toBe(false);
      await expect(server.withAdmin(async (c) => c.call('ACL', 'GETUSER', user))).resolves.toBeNull();
    }
    // Revoking again is harmless: a retry after a partial failure must succeed.
    await expect(revokeUsers(singleTarget(server), users)).resolves.toEqual({ nodes: [server.name] });
  });
});

describe('checkConnection', () => {
  it('accepts an admin that may manage users', async () => {
    // No aclfile here: the report says users live in memory only (redis.conf could hold them: CONFIG REWRITE).
    await expect(checkConnection(singleTarget(server))).resolves.toEqual({
      mode: 'auto', nodes: [{ node: server.name, aclfile: false, configFile: true, persistence: 'none' }],
    });
  });

  it('accepts the narrow admin of the README, which can rotate too', async () => {
    const narrow = singleTarget(server, { username: 'narrow-admin', password: 'narrow-pw' });
    await expect(checkConnection(narrow)).resolves.toBeDefined();
    const [user] = rotationUsers();
    const password = newPassword();
    await rotateUser(narrow, { username: user, password, rules: ['~*', '+@all'] });
    await expect(verifyCredential(address(server), null, user, password)).resolves.toBe(true);
  });

  it('reports an unreachable server', async () => {
    const port = await freePort(0);
    const e = await rejectionOf(checkConnection(singleTarget(server, { port })));
    expect(e).toMatchObject({ code: 'unreachable', node: `127.0.0.1:${port}`, retryable: true });
    expect(e.message).toMatch(/Cannot reach Redis at 127\.0\.0\.1:\d+ \(ECONNREFUSED/);
  });

  it('reports rejected admin credentials without echoing them', async () => {
    const e = await rejectionOf(checkConnection(singleTarget(server, { password: 'wrong-admin-pw' })));
    expect(e).toMatchObject({ code: 'auth', node: server.name, retryable: false });
    expect(e.message).toContain('rotor-admin');
    expect(e.message).not.toContain('wrong-admin-pw');
  });

  it('reports an admin that may not run ACL SETUSER', async () => {
    const e = await rejectionOf(checkConnection(singleTarget(server, { username: 'no-setuser', password: 'limited-pw-1' })));
    expect(e).toMatchObject({ code: 'permission', node: server.name });
    expect(e.message).toContain('acl|setuser');
    expect(e.message).not.toContain('acl|deluser');
  });

  it('falls back to ACL GETUSER when the admin may not run ACL DRYRUN', async () => {
    await expect(checkConnection(singleTarget(server, { username: 'no-dryrun', password: 'limited-pw-2' }))).resolves.toBeDefined();
    const e = await rejectionOf(checkConnection(singleTarget(server, { username: 'no-dryrun-no-deluser', password: 'limited-pw-3' })));
    expect(e).toMatchObject({ code: 'permission', node: server.name });
    expect(e.message).toContain('acl|deluser');
    expect(e.message).not.toContain('acl|setuser');
  });

  it('reports an admin without any ACL command as unable to manage users', async () => {
    const e = await rejectionOf(checkConnection(singleTarget(server, { username: 'no-acl', password: 'limited-pw-4' })));
    expect(e).toMatchObject({ code: 'permission', node: server.name });
    expect(e.message).not.toContain('limited-pw-4');
  });
});
