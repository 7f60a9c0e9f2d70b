import { discoverNodes, rotateUser, verifyCredential, type RedisTarget } from '../src';
import { address, newPassword, rejectionOf, replicasTarget, rotationUsers, singleTarget } from './fixtures';
import { ADMIN_PASSWORD, RedisFleet, waitUntil, waitForReplicaLink, type RedisServer } from '@rotor/testing';

const fleet = new RedisFleet();
let primary: RedisServer;
let replicas: RedisServer[];
let target: RedisTarget;

beforeAll(async () => {
  primary = await fleet.start();
  replicas = await Promise.all([fleet.start({ replicaOf: primary }), fleet.start({ replicaOf: primary })]);
  await Promise.all(replicas.map(waitForReplicaLink));
  target = replicasTarget(primary, replicas);
});
afterAll(() => fleet.stopAll());

async function authenticatesOn(nodes: RedisServer[], user: string, password: string): Promise<boolean[]> {
  return Promise.all(nodes.map((n) => verifyCredential(address(n), null, user, password)));
}

const all = () => [primary, ...replicas];

describe('a primary with two replicas', () => {
  it('finds the primary and both replicas, each in its role', async () => {
    await expect(discoverNodes(target)).resolves.toEqual([
      { host: primary.host, port: primary.port, role: 'primary' },
      { host: replicas[0].host, port: replicas[0].port, role: 'replica' },
      { host: replicas[1].host, port: replicas[1].port, role: 'replica' },
    ]);
  });

  it('refuses a topology that leaves out a replica the primary has', async () => {
    const e = await rejectionOf(discoverNodes(replicasTarget(primary, [replicas[0]])));
    expect(e).toMatchObject({ code: 'DISCOVERY_FAILED', node: replicas[1].name });
    expect(e.message).toContain('does not list');
  });

  it('refuses to treat a primary with replicas as a single server', async () => {
    const e = await rejectionOf(discoverNodes(singleTarget(primary)));
    expect(e).toMatchObject({ code: 'DISCOVERY_FAILED' });
    expect(replicas.map((r) => r.name)).toContain(e.node); // either replica; INFO lists them in connection order
  });

  it('refuses a replica given as the primary', async () => {
    const e = await rejectionOf(discoverNodes(replicasTarget(replicas[0], [primary, replicas[1]])));
    expect(e).toMatchObject({ code: 'DISCOVERY_FAILED', node: replicas[0].name });
    expect(e.message).toContain(`reports being a replica of`);
  });

  it('sets the user on every node, not only the primary', async () => {
    const [user] = rotationUsers();
    const password = newPassword();
    const result = await rotateUser(target, { username: user, password, rules: ['~*', '+@all'] });
    expect(result.nodes).toEqual(all().map((n) => n.name));
    await expect(authenticatesOn(all(), user, password)).resolves.toEqual([true, true, true]);
  });

  it('keeps the current and the previous credential valid on every node across rotations 1, 2 and 3; the one before fails', async () => {
    const users = rotationUsers();
    const passwords = [newPassword(), newPassword(), newPassword()];
    const slots = [0, 1, 0] as const;
    for (const [generation, slot] of slots.entries()) {
      await rotateUser(target, { username: users[slot], password: passwords[generation], rules: ['~*', '+@all'] });
      await expect(authenticatesOn(all(), users[slot], passwords[generation])).resolves.toEqual([true, true, true]);
      if (generation >= 1) {
        const previous = generation - 1;
        await expect(authenticatesOn(all(), users[slots[previous]], passwords[previous])).resolves.toEqual([true, true, true]);
      }
      if (generation >= 2) {
        const beforePrevious = generation - 2;
        await expect(authenticatesOn(all(), users[slots[beforePrevious]], passwords[beforePrevious])).resolves.toEqual([false, false, false]);
      }
    }
  });

  it('fails naming the node whose admin may not change users, leaving the active credential untouched', async () => {
    const users = rotationUsers();
    const active = newPassword();
    await rotateUser(target, { username: users[1], password: active, rules: ['~*', '+@all'] });

    const locked = await fleet.start({ replicaOf: primary, adminRules: '~* &* +@all -acl' });
    try {
      await waitForReplicaLink(locked);
      const attempted = newPassword();
      const e = await rejectionOf(
        rotateUser(replicasTarget(primary, [...replicas, locked]), { username: users[0], password: attempted, rules: ['~*', '+@all'] }),
      );
      expect(e).toMatchObject({ code: 'SETUSER_FAILED', node: locked.name, retryable: false });
      expect(e.message).toContain('NOPERM');
      expect(JSON.stringify({ ...e, message: e.message })).not.toContain(attempted);
      expect(e.message).not.toContain(ADMIN_PASSWORD);
      await expect(authenticatesOn(all(), users[1], active)).resolves.toEqual([true, true, true]);
    } finally {
      await locked.stop();
      await waitUntil('the primary to drop the stopped replica', () =>
        primary.withAdmin(async (c) => ((await c.info('replication')).match(/^slave\d+:/gm) ?? []).length === replicas.length),
      );
    }
  });

  it('fails naming a node that is down, without the new password in the error', async () => {
    const [user] = rotationUsers();
    const password = newPassword();
    await replicas[1].stop();
    try {
      const e = await rejectionOf(rotateUser(target, { username: user, password, rules: ['+@all'] }));
      expect(e).toMatchObject({ code: 'unreachable', node: replicas[1].name, retryable: true });
      expect(e.message).not.toContain(password);
      expect(e.message).not.toContain(ADMIN_PASSWORD);
    } finally {
      await replicas[1].restart();
      await waitForReplicaLink(replicas[1]);
    }
  });
});
