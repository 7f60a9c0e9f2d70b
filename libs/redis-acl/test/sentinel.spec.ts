import { checkConnection, discoverNodes, rotateUser, verifyCredential, type RedisTarget } from '../src';
import { address, newPassword, rejectionOf, rotationUsers } from './fixtures';
import { ADMIN_PASSWORD, ADMIN_USER, RedisFleet, SENTINEL_PASSWORD, freePort, waitUntil, waitForReplicaLink, type RedisServer } from '@rotor/testing';

const MASTER = 'mymaster';
const fleet = new RedisFleet();
let first: RedisServer; // the primary at start
let second: RedisServer; // its replica, promoted by the failover test
let sentinel: RedisServer;
let deadSentinelPort: number;

function sentinelTarget(overrides: { masterName?: string; sentinelPassword?: string; sentinels?: RedisServer[] } = {}): RedisTarget {
  return {
    host: first.host,
    port: first.port,
    username: ADMIN_USER,
    password: ADMIN_PASSWORD,
    topology: {
      type: 'sentinel',
      masterName: overrides.masterName ?? MASTER,
      // The first sentinel does not exist: discovery must move on to the next.
      sentinels: overrides.sentinels?.map(address) ?? [{ host: '127.0.0.1', port: deadSentinelPort }, address(sentinel)],
      sentinelUsername: null,
      sentinelPassword: overrides.sentinelPassword ?? SENTINEL_PASSWORD,
    },
  };
}

async function sentinelSees(replicaCount: number, primary: RedisServer): Promise<boolean> {
  return sentinel.withAdmin(async (c) => {
    const addr = (await c.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER)) as string[];
    const replicas = (await c.call('SENTINEL', 'REPLICAS', MASTER)) as string[][];
    const healthy = replicas.filter((r) => r[r.indexOf('flags') + 1] === 'slave');
    return Number(addr[1]) === primary.port && healthy.length === replicaCount;
  });
}

beforeAll(async () => {
  first = await fleet.start();
  second = await fleet.start({ replicaOf: first });
  await waitForReplicaLink(second);
  sentinel = await fleet.startSentinel(first, MASTER);
  deadSentinelPort = await freePort(0);
  await waitUntil('the sentinel to discover the replica', () => sentinelSees(1, first));
});
afterAll(() => fleet.stopAll());

describe('a primary and a replica behind Sentinel', () => {
  it('asks the sentinels for the primary and its replicas, skipping a sentinel that does not answer', async () => {
    await expect(discoverNodes(sentinelTarget())).resolves.toEqual([
      { host: first.host, port: first.port, role: 'primary' },
      { host: second.host, port: second.port, role: 'replica' },
    ]);
    await expect(checkConnection(sentinelTarget())).resolves.toBeDefined();
  });

  it('reports a sentinel that rejects its password, without the password', async () => {
    const e = await rejectionOf(discoverNodes(sentinelTarget({ sentinelPassword: 'wrong-sentinel-pw', sentinels: [sentinel] })));
    expect(e).toMatchObject({ code: 'auth', node: sentinel.name });
    expect(e.message).not.toContain('wrong-sentinel-pw');
  });

  it('reports a master name the sentinels do not monitor', async () => {
    const e = await rejectionOf(discoverNodes(sentinelTarget({ masterName: 'nosuchmaster' })));
    expect(e).toMatchObject({ code: 'DISCOVERY_FAILED' });
    expect(e.message).toContain('does not monitor a master named "nosuchmaster"');
    expect(e.message).not.toContain(SENTINEL_PASSWORD);
  });

  it('keeps the users on a replica that Sentinel promotes, because every node was updated', async () => {
    const users = rotationUsers();
    const passwords = [newPassword(), newPassword()];
    await expect(rotateUser(sentinelTarget(), { username: users[0], password: passwords[0], rules: ['~*', '+@all'] })).resolves.toEqual({
      nodes: [first.name, second.name],
    });

    await sentinel.withAdmin((c) => c.call('SENTINEL', 'FAILOVER', MASTER));
    await waitUntil('the replica to be promoted', async () => (await sentinelSees(1, second)) && (await second.withAdmin(async (c) => (await c.info('replication')).includes('role:master'))));

    await expect(verifyCredential(address(second), null, users[0], passwords[0])).resolves.toBe(true);
    await expect(discoverNodes(sentinelTarget())).resolves.toEqual([
      { host: second.host, port: second.port, role: 'primary' },
      { host: first.host, port: first.port, role: 'replica' },
    ]);
    // The next rotation reaches the new topology; both credentials work on both nodes.
    await rotateUser(sentinelTarget(), { username: users[1], password: passwords[1], rules: ['~*', '+@all'] });
    for (const node of [first, second]) {
      await expect(verifyCredential(address(node), null, users[0], passwords[0])).resolves.toBe(true);
      await expect(verifyCredential(address(node), null, users[1], passwords[1])).resolves.toBe(true);
    }
  });

  it('fails loudly, naming it, when a replica Sentinel knows is down', async () => {
    const replica = (await discoverNodes(sentinelTarget()))[1];
    const down = replica.port === first.port ? first : second;
    await down.stop();
    const [user] = rotationUsers();
    const password = newPassword();
    const e = await rejectionOf(rotateUser(sentinelTarget(), { username: user, password, rules: ['+@all'] }));
    expect(e).toMatchObject({ code: 'unreachable', node: down.name, retryable: true });
    expect(e.message).not.toContain(password);
  });
});
