import { Cluster as ClusterClient } from 'ioredis';
import { checkConnection, discoverNodes, revokeUsers, rotateUser, verifyCredential, type RedisTarget } from '../src';
import { address, newPassword, rotationUsers, singleTarget } from './fixtures';
import { RedisFleet, type Cluster, type RedisServer } from '@rotor/testing';

const fleet = new RedisFleet();
let cluster: Cluster;
let target: RedisTarget;

beforeAll(async () => {
  cluster = await fleet.startCluster(3, 1);
  // Any node will do as the seed; take a replica to show that it need not be a primary.
  target = { ...singleTarget(cluster.replicas[0]), topology: { type: 'cluster' } };
}, 60_000);
afterAll(() => fleet.stopAll());

const byName = (nodes: RedisServer[]) => nodes.map((n) => n.name).sort();

async function authenticatesEverywhere(user: string, password: string): Promise<boolean[]> {
  return Promise.all(cluster.nodes.map((n) => verifyCredential(address(n), null, user, password)));
}

describe('a cluster of three primaries with a replica each', () => {
  it('finds every primary and every replica from one seed', async () => {
    const nodes = await discoverNodes(target);
    expect(nodes.filter((n) => n.role === 'primary').map((n) => `${n.host}:${n.port}`).sort()).toEqual(byName(cluster.primaries));
    expect(nodes.filter((n) => n.role === 'replica').map((n) => `${n.host}:${n.port}`).sort()).toEqual(byName(cluster.replicas));
    await expect(checkConnection(target)).resolves.toBeDefined();
  });

  it('sets the user on all six nodes, and a cluster client can use it on every shard', async () => {
    const [user] = rotationUsers();
    const password = newPassword();
    const result = await rotateUser(target, { username: user, password, rules: ['~app:*', '+get', '+set', '+cluster|slots'] });
    expect([...result.nodes].sort()).toEqual(byName(cluster.nodes));
    await expect(authenticatesEverywhere(user, password)).resolves.toEqual(Array(6).fill(true));

    const client = new ClusterClient([address(cluster.primaries[0])], {
      redisOptions: { username: user, password, enableReadyCheck: false },
      clusterRetryStrategy: () => null,
      enableReadyCheck: false, // the scope allows no CLUSTER INFO
    });
    client.on('error', () => undefined);
    try {
      // Keys spread over the slots of all three primaries.
      const keys = Array.from({ length: 12 }, (_, i) => `app:key-${i}`);
      for (const key of keys) await client.set(key, key);
      for (const key of keys) await expect(client.get(key)).resolves.toBe(key);
    } finally {
      client.disconnect();
    }
  });

  it('revokes both users on every node', async () => {
    const users = rotationUsers();
    const passwords = [newPassword(), newPassword()];
    await rotateUser(target, { username: users[0], password: passwords[0], rules: ['+@all'] });
    await rotateUser(target, { username: users[1], password: passwords[1], rules: ['+@all'] });
    await expect(authenticatesEverywhere(users[1], passwords[1])).resolves.toEqual(Array(6).fill(true));
    await revokeUsers(target, users);
    await expect(authenticatesEverywhere(users[0], passwords[0])).resolves.toEqual(Array(6).fill(false));
    await expect(authenticatesEverywhere(users[1], passwords[1])).resolves.toEqual(Array(6).fill(false));
  });
});
