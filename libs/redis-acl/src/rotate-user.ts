import { assertPermissionRules, assertRotorUsername, setUserArgs } from './acl-commands';
import type { AdminPool } from './admin-pool';
import { AdminSessions, commandFailure, onEveryNode, targetSecrets, type AdminRunner, type Secrets } from './connection';
import { discoverNodes } from './discover-nodes';
import { persistenceOf, persistWhereKept, type NodePersistence } from './persist-acl';
import { RedisAclError } from './redis-acl.error';
import { nodeName, type RedisTarget } from './redis-target';
import { verifyCredential } from './verify-credential';

export interface UserChange {
  /** One of the rotation's two users (rotor_<32 hex>_<0|1>): the slot that is NOT active. */
  username: string;
  password: string;
  /** Permission rules, one per element ('~app:*', '+get'); see assertPermissionRules. */
  rules: readonly string[];
}

export interface AdminOptions {
  /**
   * Admin connections (and the topology) kept across operations. Without one, each operation
   * opens its own admin connection per node and closes it at the end.
   */
  pool?: AdminPool;
}

/**
 * Gives one user a new password and rules on every node, in three passes:
 *   1. ACL SETUSER <user> reset on ><password> <rules…> on every node;
 *   2. a fresh connection per node AUTHs as the user and PINGs;
 *   3. only when every node passed: ACL SAVE (or CONFIG REWRITE) where persistence needs it.
 * It touches nothing but `change.username`. In the dual-phase scheme that is the non-active
 * slot, so any failure — which may leave that user half-updated — leaves the credential that
 * clients use now (the other slot) exactly as it was; a retry simply starts over.
 */
export async function rotateUser(t: RedisTarget, change: UserChange, options: AdminOptions = {}): Promise<{ nodes: string[] }> {
  assertRotorUsername(change.username);
  assertPermissionRules(change.rules);
  if (!change.password) throw new RedisAclError('SETUSER_FAILED', 'Refusing to set an empty password.');
  const secrets: Secrets = [...targetSecrets(t), change.password];
  const { pool } = options;
  if (pool) {
    try {
      return await rotateOnEveryNode(t, change, secrets, pool.runner(t, secrets), pool);
    } catch (e) {
      // Whatever failed (a node gone, a failover, a new replica refusing), discover again next time.
      pool.forget(t);
      throw e;
    }
  }

  // One admin connection per node for discovery, the change and the save; the verification
  // below still opens fresh connections as the user.
  const admin = new AdminSessions(t, secrets);
  try {
    return await rotateOnEveryNode(t, change, secrets, admin.run);
  } finally {
    admin.close();
  }
}

async function rotateOnEveryNode(
  t: RedisTarget,
  change: UserChange,
  secrets: Secrets,
  admin: AdminRunner,
  pool?: AdminPool,
): Promise<{ nodes: string[] }> {
  const known = pool?.topology(t);
  const nodes = known?.nodes ?? (await discoverNodes(t, admin));
  const persistence = new Map<string, NodePersistence>(known?.persistence ?? []);

  await onEveryNode(nodes, (node) =>
    admin(node, async (c) => {
      // Read first: a node whose persistence cannot be known is refused before it is changed.
      if (!persistence.has(nodeName(node))) persistence.set(nodeName(node), await persistenceOf(c, node, secrets, t.aclPersistenceMode));
      try {
        await c.call('ACL', ...setUserArgs(change.username, change.password, change.rules));
      } catch (e) {
        throw commandFailure('SETUSER_FAILED', `ACL SETUSER ${change.username}`, node, e, secrets);
      }
    }),
  );

  // Always a fresh connection per node as the user: never a pooled one.
  await onEveryNode(nodes, async (node) => {
    if (!(await verifyCredential(node, t.tls, change.username, change.password))) {
      throw new RedisAclError(
        'VERIFY_FAILED',
        `The new credential of ${change.username} was set but does not authenticate on ${nodeName(node)}.`,
        nodeName(node),
        true,
      );
    }
  });

  await persistWhereKept(t, nodes, persistence, secrets, admin);
  if (pool && !known) pool.remember(t, { nodes, persistence });
  return { nodes: nodes.map(nodeName) };
}
