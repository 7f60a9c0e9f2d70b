import { AdminPool, revokeUsers, rotateUser, verifyCredential } from '../src';
import { address, newPassword, rejectionOf, rotationUsers, singleTarget } from './fixtures';
import { ADMIN_USER, RedisFleet, waitUntil, type RedisServer } from '@rotor/testing';

const fleet = new RedisFleet();
let server: RedisServer;

beforeAll(async () => {
  server = await fleet.start();
});
afterAll(() => fleet.stopAll());

/** Connections the server accepted so far (the one asking included). */
async function received(s: RedisServer): Promise<number> {
  return Number(/total_connections_received:(\d+)/.exec(await s.withAdmin((c) => c.info('stats')))?.[1]);
}

/** The users of the server's connections other than the one asking ('user=…' of CLIENT LIST). */
async function connectedUsers(s: RedisServer): Promise<string[]> {
  const list = String(await s.withAdmin((c) => c.call('CLIENT', 'LIST')));
  return list
    .split('\n')
    .filter((l) => l.trim() && !/ cmd=client\|list /.test(` ${l} `))
    .map((l) => /(?:^| )user=(\S+)/.exec(l)?.[1] ?? '?');
}

describe('an admin pool', () => {
  it('keeps one admin connection across rotations, and verifies each credential on a fresh connection', async () => {
    const pool = new AdminPool();
    try {
      const [user] = rotationUsers();
      const before = await received(server);
      const passwords = [newPassword(), newPassword(), newPassword()];
      for (const password of passwords) await rotateUser(singleTarget(server), { username: user, password, rules: ['~*', '+@all'] }, { pool });
      // One admin connection for all three, one fresh connection per verification, one asking before and after.
      expect((await received(server)) - before).toBe(1 + passwords.length + 1);
      expect(pool.size()).toBe(1);
      // The pooled connection is the admin's, never the rotated user's.
      expect(await connectedUsers(server)).toEqual([ADMIN_USER]);
      await expect(verifyCredential(address(server), null, user, passwords[2])).resolves.toBe(true);
      await expect(verifyCredential(address(server), null, user, passwords[1])).resolves.toBe(false);
    } finally {
      pool.close();
    }
  });

  it('does not reuse a session for another admin credential', async () => {
    const pool = new AdminPool();
    try {
      const [user] = rotationUsers();
      await rotateUser(singleTarget(server), { username: user, password: newPassword(), rules: ['+@all'] }, { pool });
      const e = await rejectionOf(
        rotateUser(singleTarget(server, { password: 'not-the-admin-password' }), { username: user, password: newPassword(), rules: ['+@all'] }, { pool }),
      );
      expect(e).toMatchObject({ code: 'auth' });
      await expect(revokeUsers(singleTarget(server), [user], { pool })).resolves.toEqual({ nodes: [server.name] });
    } finally {
      pool.close();
    }
  });

  it('fails an operation when the admin password changed behind a pooled session, as a new connection would', async () => {
    const own = await fleet.start();
    const pool = new AdminPool();
    try {
      const target = singleTarget(own);
      const [user] = rotationUsers();
      await rotateUser(target, { username: user, password: newPassword(), rules: ['+@all'] }, { pool });
      expect(pool.size()).toBe(1);
      // The pooled session stays logged in; only a new AUTH learns that the stored password is stale.
      const changed = newPassword();
      await own.withAdmin((c) => c.call('ACL', 'SETUSER', ADMIN_USER, 'resetpass', `>${changed}`));
      const e = await rejectionOf(rotateUser(target, { username: user, password: newPassword(), rules: ['+@all'] }, { pool }));
      expect(e).toMatchObject({ code: 'auth', retryable: false });
      expect(String(e)).not.toContain(changed);
      expect(pool.size()).toBe(0);
      // With the password Redis now holds, the pool works again.
      await expect(rotateUser(singleTarget(own, { password: changed }), { username: user, password: newPassword(), rules: ['+@all'] }, { pool })).resolves.toBeDefined();
    } finally {
      pool.close();
      await own.stop();
    }
  });

  it('remembers the topology after a success and forgets it after a failure', async () => {
    const own = await fleet.start();
    const pool = new AdminPool();
    try {
      const target = singleTarget(own);
      const [user] = rotationUsers();
      expect(pool.topology(target)).toBeUndefined();
      await rotateUser(target, { username: user, password: newPassword(), rules: ['+@all'] }, { pool });
      expect(pool.topology(target)?.nodes).toEqual([{ host: own.host, port: own.port, role: 'primary' }]);

      await own.stop();
      const e = await rejectionOf(rotateUser(target, { username: user, password: newPassword(), rules: ['+@all'] }, { pool }));
      expect(e).toMatchObject({ retryable: true });
      expect(pool.topology(target)).toBeUndefined();
      expect(pool.size()).toBe(0);

      // Back up: discovered again, on a new admin connection.
      await own.restart();
      await rotateUser(target, { username: user, password: newPassword(), rules: ['+@all'] }, { pool });
      expect(pool.topology(target)).toBeDefined();
    } finally {
      pool.close();
      await own.stop();
    }
  });

  it('closes an idle session, and every session on close()', async () => {
    const idle = new AdminPool({ idleMs: 50 });
    const [user] = rotationUsers();
    await rotateUser(singleTarget(server), { username: user, password: newPassword(), rules: ['+@all'] }, { pool: idle });
    expect(idle.size()).toBe(1);
    await waitUntil('the idle admin session to close', async () => idle.size() === 0 && (await connectedUsers(server)).length === 0, 5_000);

    const pool = new AdminPool();
    await rotateUser(singleTarget(server), { username: user, password: newPassword(), rules: ['+@all'] }, { pool });
    expect(await connectedUsers(server)).toEqual([ADMIN_USER]);
    pool.close();
    await waitUntil('the closed pool to disconnect', async () => (await connectedUsers(server)).length === 0, 5_000);
  });
});
