import type { Redis } from 'ioredis';
import { commandFailure, onEveryNode, withAdmin, type AdminRunner, type Secrets } from './connection';
import { nodeName, type RedisAddress, type RedisNodeInfo, type RedisTarget } from './redis-target';

/**
 * A server started with an `aclfile` loads users from it at boot, so a change that is not
 * saved is lost on restart. Without an aclfile, users live in redis.conf or only in memory,
 * and Rotor leaves them there (see README: persistence).
 */
export async function readAclFile(c: Redis, node: RedisAddress, secrets: Secrets): Promise<boolean> {
  try {
    const reply = (await c.call('CONFIG', 'GET', 'aclfile')) as string[];
    return typeof reply[1] === 'string' && reply[1] !== '';
  } catch (e) {
    throw commandFailure('PERSIST_FAILED', 'CONFIG GET aclfile (needed to know whether ACLs must be saved)', node, e, secrets);
  }
}

export async function persistAcl(c: Redis, node: RedisAddress, secrets: Secrets): Promise<void> {
  try {
    await c.call('ACL', 'SAVE');
  } catch (e) {
    throw commandFailure('PERSIST_FAILED', 'ACL SAVE', node, e, secrets);
  }
}

/** ACL SAVE on the nodes that keep an aclfile (as read before they were changed). */
export async function persistWhereKept(
  t: RedisTarget,
  nodes: RedisNodeInfo[],
  keepsAclFile: Map<string, boolean>,
  secrets: Secrets,
  admin?: AdminRunner,
): Promise<void> {
  const persisted = nodes.filter((n) => keepsAclFile.get(nodeName(n)));
  const onNode: AdminRunner = admin ?? ((node, work) => withAdmin(t, node, secrets, work));
  await onEveryNode(persisted, (node) => onNode(node, (c) => persistAcl(c, node, secrets)));
}
