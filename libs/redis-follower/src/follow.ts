import { Cluster, Redis, type ClusterNode, type ClusterOptions, type RedisOptions } from 'ioredis';
import { applyToCluster, applyToRedis } from './apply-credential';
import { CredentialFollower, type FollowOptions } from './credential-follower';

async function quit(client: Redis | Cluster): Promise<void> {
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}

/**
 * An ioredis client (standalone, or Sentinel with `redis.sentinels`) whose username and
 * password follow Rotor's rotations. `redis` is everything but the credential.
 */
export function followRedis(options: FollowOptions & { redis?: Omit<RedisOptions, 'username' | 'password'> }): Promise<CredentialFollower<Redis>> {
  return new CredentialFollower<Redis>(
    options,
    (c) => new Redis({ ...options.redis, username: c.username, password: c.password }),
    applyToRedis,
    quit,
  ).start();
}

/** An ioredis Cluster whose every node connection follows Rotor's rotations. */
export function followCluster(
  options: FollowOptions & { nodes: ClusterNode[]; cluster?: Omit<ClusterOptions, 'redisOptions'> & { redisOptions?: Omit<RedisOptions, 'username' | 'password'> } },
): Promise<CredentialFollower<Cluster>> {
  return new CredentialFollower<Cluster>(
    options,
    (c) => new Cluster(options.nodes, { ...options.cluster, redisOptions: { ...options.cluster?.redisOptions, username: c.username, password: c.password } }),
    applyToCluster,
    quit,
  ).start();
}
