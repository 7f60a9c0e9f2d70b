import { assertRotorUsername, delUserArgs } from './acl-commands';
import { commandFailure, onEveryNode, targetSecrets, withAdmin } from './connection';
import { discoverNodes } from './discover-nodes';
import { persistenceOf, persistWhereKept, type NodePersistence } from './persist-acl';
import { nodeName, type RedisTarget } from './redis-target';

/**
 * Deletes Rotor's users on every node (Redis also disconnects their clients), then saves the
 * ACLs where an aclfile is kept. Deleting a user that does not exist is not an error, so a
 * retry after a partial failure is safe.
 */
export async function revokeUsers(t: RedisTarget, usernames: readonly string[]): Promise<{ nodes: string[] }> {
  usernames.forEach(assertRotorUsername);
  if (usernames.length === 0) return { nodes: [] };
  const secrets = targetSecrets(t);
  const nodes = await discoverNodes(t);
  const persistence = new Map<string, NodePersistence>();

  await onEveryNode(nodes, (node) =>
    withAdmin(t, node, secrets, async (c) => {
      persistence.set(nodeName(node), await persistenceOf(c, node, secrets, t.aclPersistenceMode));
      try {
        await c.call('ACL', ...delUserArgs(usernames));
      } catch (e) {
        throw commandFailure('REVOKE_FAILED', `ACL DELUSER ${usernames.join(' ')}`, node, e, secrets);
      }
    }),
  );

  await persistWhereKept(t, nodes, persistence, secrets);
  return { nodes: nodes.map(nodeName) };
}
