import { assertRotorUsername, delUserArgs } from './acl-commands';
import { commandFailure, onEveryNode, targetSecrets, withAdmin, type AdminRunner } from './connection';
import { discoverNodes } from './discover-nodes';
import { persistenceOf, persistWhereKept, type NodePersistence } from './persist-acl';
import { nodeName, type RedisTarget } from './redis-target';
import type { AdminOptions } from './rotate-user';

/**
 * Deletes Rotor's users on every node (Redis also disconnects their clients), then saves the
 * ACLs where an aclfile is kept. Deleting a user that does not exist is not an error, so a
 * retry after a partial failure is safe. With a pool, its admin connections are used and the
 * topology is discovered afresh (a revocation is rare; it must reach every node there is now).
 */
export async function revokeUsers(t: RedisTarget, usernames: readonly string[], options: AdminOptions = {}): Promise<{ nodes: string[] }> {
  usernames.forEach(assertRotorUsername);
  if (usernames.length === 0) return { nodes: [] };
  const secrets = targetSecrets(t);
  const admin: AdminRunner = options.pool?.runner(t, secrets) ?? ((node, work) => withAdmin(t, node, secrets, work));
  const nodes = await discoverNodes(t, admin);
  const persistence = new Map<string, NodePersistence>();

  await onEveryNode(nodes, (node) =>
    admin(node, async (c) => {
      persistence.set(nodeName(node), await persistenceOf(c, node, secrets, t.aclPersistenceMode));
      try {
        await c.call('ACL', ...delUserArgs(usernames));
      } catch (e) {
        throw commandFailure('REVOKE_FAILED', `ACL DELUSER ${usernames.join(' ')}`, node, e, secrets);
      }
    }),
  );

  await persistWhereKept(t, nodes, persistence, secrets, admin);
  return { nodes: nodes.map(nodeName) };
}
