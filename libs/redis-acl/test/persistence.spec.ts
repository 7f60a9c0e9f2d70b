import { rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { checkConnection, revokeUsers, rotateUser, verifyCredential } from '../src';
import { address, newPassword, rejectionOf, rotationUsers, singleTarget } from './fixtures';
import { ADMIN_PASSWORD, RedisFleet, type RedisServer } from '@rotor/testing';

const fleet = new RedisFleet();
let server: RedisServer;

beforeAll(async () => {
  server = await fleet.start({ aclfile: true, users: ['user no-save on >no-save-pw ~* &* +@all -acl|save'] });
});
afterAll(() => fleet.stopAll());

describe('a server that keeps its users in an aclfile', () => {
  it('still accepts the rotated credential after a restart', async () => {
    const [user] = rotationUsers();
    const password = newPassword();
    await rotateUser(singleTarget(server), { username: user, password, rules: ['~*', '+@all'] });
    await server.restart();
    await expect(verifyCredential(address(server), null, user, password)).resolves.toBe(true);
  });

  it('forgets a revoked user after a restart', async () => {
    const [user] = rotationUsers();
    const password = newPassword();
    await rotateUser(singleTarget(server), { username: user, password, rules: ['+@all'] });
    await revokeUsers(singleTarget(server), [user]);
    await server.restart();
    await expect(verifyCredential(address(server), null, user, password)).resolves.toBe(false);
  });

  it('fails with PERSIST_FAILED, naming the node, when ACL SAVE fails', async () => {
    const [user] = rotationUsers();
    const password = newPassword();
    if (!server.aclfilePath) throw new Error('the server was started without an aclfile');
    const aclDir = dirname(server.aclfilePath);
    await rename(aclDir, `${aclDir}-moved`);
    try {
      const e = await rejectionOf(rotateUser(singleTarget(server), { username: user, password, rules: ['+@all'] }));
      expect(e).toMatchObject({ code: 'PERSIST_FAILED', node: server.name });
      expect(e.message).toContain('ACL SAVE');
      expect(e.message).not.toContain(password);
      expect(e.message).not.toContain(ADMIN_PASSWORD);
    } finally {
      await rename(`${aclDir}-moved`, aclDir);
    }
  });

  it('requires ACL SAVE of the admin in checkConnection', async () => {
    // …and reports that this node keeps its users in an aclfile.
    await expect(checkConnection(singleTarget(server))).resolves.toEqual({
      mode: 'auto', nodes: [{ node: server.name, aclfile: true, configFile: true, persistence: 'acl-save' }],
    });
    const e = await rejectionOf(checkConnection(singleTarget(server, { username: 'no-save', password: 'no-save-pw' })));
    expect(e).toMatchObject({ code: 'permission', node: server.name });
    expect(e.message).toContain('acl|save');
  });
});
