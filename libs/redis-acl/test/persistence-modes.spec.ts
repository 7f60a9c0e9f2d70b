import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkConnection, revokeUsers, rotateUser, verifyCredential, type RedisTarget } from '../src';
import { address, newPassword, rejectionOf, rotationUsers, singleTarget } from './fixtures';
import { ADMIN_PASSWORD, ADMIN_USER, RedisFleet, authenticates, freePort, waitUntil, type RedisServer } from '@rotor/testing';

const fleet = new RedisFleet();
afterAll(() => fleet.stopAll());

describe("aclPersistenceMode 'config-rewrite': users in redis.conf, no aclfile", () => {
  let server: RedisServer;
  const target = () => singleTarget(server, { aclPersistenceMode: 'config-rewrite' });

  beforeAll(async () => {
    server = await fleet.start({
      users: ['user app-owned on >app-owned-pw ~app:* +get', 'user no-rewrite on >no-rewrite-pw ~* &* +@all -config|rewrite'],
    });
  });

  it('is offered by the check in auto mode, and set up by it when asked for', async () => {
    await expect(checkConnection(singleTarget(server))).resolves.toEqual({
      mode: 'auto', nodes: [{ node: server.name, aclfile: false, configFile: true, persistence: 'none' }],
    });
    await expect(checkConnection(target())).resolves.toEqual({
      mode: 'config-rewrite', nodes: [{ node: server.name, aclfile: false, configFile: true, persistence: 'config-rewrite' }],
    });
  });

  it('writes the rotated user to redis.conf, so it survives a restart; a user Rotor did not create is kept as it was', async () => {
    const [user] = rotationUsers();
    const password = newPassword();
    await rotateUser(target(), { username: user, password, rules: ['~*', '+@all'] });
    const conf = await readFile(join(server.dir, 'redis.conf'), 'utf8');
    expect(conf).toMatch(new RegExp(`^user ${user} on .*#[0-9a-f]{64} `, 'm'));
    expect(conf).not.toContain(password);

    await server.restart();
    await expect(verifyCredential(address(server), null, user, password)).resolves.toBe(true);
    await expect(authenticates(server, 'app-owned', 'app-owned-pw')).resolves.toBe(true);
    await expect(server.withAdmin((c) => c.call('ACL', 'GETUSER', 'app-owned'))).resolves.toEqual(
      expect.arrayContaining(['keys', '~app:*']),
    );
  });

  it('in auto mode, the same server loses the rotated user on a restart', async () => {
    const [user] = rotationUsers();
    const password = newPassword();
    await rotateUser(singleTarget(server), { username: user, password, rules: ['~*', '+@all'] });
    await server.restart();
    await expect(verifyCredential(address(server), null, user, password)).resolves.toBe(false);
  });

  it('writes a revocation to redis.conf too', async () => {
    const [user] = rotationUsers();
    const password = newPassword();
    await rotateUser(target(), { username: user, password, rules: ['~*', '+@all'] });
    await revokeUsers(target(), [user]);
    await server.restart();
    await expect(verifyCredential(address(server), null, user, password)).resolves.toBe(false);
    expect(await readFile(join(server.dir, 'redis.conf'), 'utf8')).not.toContain(user);
  });

  it('requires CONFIG REWRITE of the admin', async () => {
    const e = await rejectionOf(checkConnection(singleTarget(server, { username: 'no-rewrite', password: 'no-rewrite-pw', aclPersistenceMode: 'config-rewrite' })));
    expect(e).toMatchObject({ code: 'permission', node: server.name });
    expect(e.message).toContain('config|rewrite');
    expect(e.message).not.toContain('no-rewrite-pw');
  });

  describe('on a server started without a config file', () => {
    let child: ChildProcess;
    let port: number;

    beforeAll(async () => {
      port = await freePort(0);
      const dir = await fleet.tempDir();
      // Every setting on the command line: CONFIG REWRITE has no file to write.
      child = spawn('redis-server', [
        '--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no',
        '--user', 'default', 'off', '--user', ADMIN_USER, 'on', `>${ADMIN_PASSWORD}`, '~*', '&*', '+@all',
      ], { stdio: 'ignore' });
      await waitUntil('redis-server without a config file to answer', async () => {
        try {
          await checkConnection({ ...noFileTarget(), aclPersistenceMode: 'auto' });
          return true;
        } catch {
          return false;
        }
      });
    });
    afterAll(() => {
      child?.kill('SIGKILL');
    });
    const noFileTarget = (): RedisTarget => ({ host: '127.0.0.1', port, username: ADMIN_USER, password: ADMIN_PASSWORD, topology: { type: 'single' } });

    it('reports that there is no config file, and refuses config-rewrite before anything is changed', async () => {
      await expect(checkConnection(noFileTarget())).resolves.toEqual({
        mode: 'auto', nodes: [{ node: `127.0.0.1:${port}`, aclfile: false, configFile: false, persistence: 'none' }],
      });
      const e = await rejectionOf(checkConnection({ ...noFileTarget(), aclPersistenceMode: 'config-rewrite' }));
      expect(e).toMatchObject({ code: 'PERSIST_FAILED', node: `127.0.0.1:${port}` });
      expect(e.message).toContain('without a config file');
    });
  });
});

describe("aclPersistenceMode 'managed': a service that persists ACLs itself and refuses CONFIG and ACL SAVE", () => {
  let server: RedisServer;
  // The admin may manage users but never run CONFIG or ACL SAVE (NOPERM, and an ACL LOG entry, if it tried).
  const refused = { username: 'managed-admin', password: 'managed-admin-pw' };

  beforeAll(async () => {
    server = await fleet.start({ aclfile: true, users: ['user managed-admin on >managed-admin-pw ~* &* +@all -config -acl|save'] });
  });

  it('fails in auto mode, pointing at the setting', async () => {
    const [user] = rotationUsers();
    const check = await rejectionOf(checkConnection(singleTarget(server, refused)));
    expect(check).toMatchObject({ code: 'permission' });
    expect(check.message).toContain('config|get');
    const rotation = await rejectionOf(rotateUser(singleTarget(server, refused), { username: user, password: newPassword(), rules: ['+@all'] }));
    expect(rotation).toMatchObject({ code: 'PERSIST_FAILED', node: server.name });
    expect(rotation.message).toContain("aclPersistenceMode to 'managed'");
  });

  it('checks, rotates and revokes without ever sending CONFIG or ACL SAVE', async () => {
    await server.withAdmin((c) => c.call('ACL', 'LOG', 'RESET'));
    const target = singleTarget(server, { ...refused, aclPersistenceMode: 'managed' });
    await expect(checkConnection(target)).resolves.toEqual({
      mode: 'managed', nodes: [{ node: server.name, aclfile: null, configFile: null, persistence: 'none' }],
    });
    const [user] = rotationUsers();
    const password = newPassword();
    await expect(rotateUser(target, { username: user, password, rules: ['~*', '+@all'] })).resolves.toEqual({ nodes: [server.name] });
    await expect(verifyCredential(address(server), null, user, password)).resolves.toBe(true);
    await expect(revokeUsers(target, [user])).resolves.toEqual({ nodes: [server.name] });
    await expect(verifyCredential(address(server), null, user, password)).resolves.toBe(false);
    // No command was denied: Rotor never asked for one the admin may not run (the log holds only the rejected AUTH above).
    const log = (await server.withAdmin((c) => c.call('ACL', 'LOG'))) as unknown[][];
    expect(log.map((entry) => entry[entry.indexOf('reason') + 1])).not.toContain('command');
    // …and nothing was saved: the aclfile does not know the user.
    expect(await readFile(server.aclfilePath as string, 'utf8')).not.toContain(user);
  });
});
