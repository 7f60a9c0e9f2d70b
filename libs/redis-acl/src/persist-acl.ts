import type { Redis } from 'ioredis';
import { commandFailure, onEveryNode, withAdmin, type AdminRunner, type Secrets } from './connection';
import { nodeName, type AclPersistenceMode, type RedisAddress, type RedisNodeInfo, type RedisTarget } from './redis-target';

/** How one node keeps Rotor's changes across a restart, and so what follows each change. */
export type NodePersistence =
  /** An aclfile: ACL SAVE. */
  | 'acl-save'
  /** Users in redis.conf, persisted by CONFIG REWRITE (only with aclPersistenceMode 'config-rewrite'). */
  | 'config-rewrite'
  /** Nothing: in memory only (auto mode without an aclfile), or the managed service persists by itself. */
  | 'none';

const MANAGED_HINT = "a managed service that persists ACLs itself and refuses CONFIG: set the connection's aclPersistenceMode to 'managed'";

/**
 * A server started with an `aclfile` loads users from it at boot, so a change that is not
 * saved is lost on restart. Without an aclfile, users live in redis.conf or only in memory,
 * and Rotor leaves them there unless told to CONFIG REWRITE (see README: persistence).
 */
export async function readAclFile(c: Redis, node: RedisAddress, secrets: Secrets): Promise<boolean> {
  try {
    const reply = (await c.call('CONFIG', 'GET', 'aclfile')) as string[];
    return typeof reply[1] === 'string' && reply[1] !== '';
  } catch (e) {
    throw commandFailure('PERSIST_FAILED', `CONFIG GET aclfile (needed to know whether ACLs must be saved; ${MANAGED_HINT})`, node, e, secrets);
  }
}

/** Whether the server was started with a config file (`config_file` of INFO server): CONFIG REWRITE needs one. */
export async function readConfigFile(c: Redis, node: RedisAddress, secrets: Secrets): Promise<boolean> {
  try {
    const info = String(await c.call('INFO', 'server'));
    return /^config_file:\S/m.test(info);
  } catch (e) {
    throw commandFailure('PERSIST_FAILED', 'INFO server (needed to know whether the server has a config file)', node, e, secrets);
  }
}

/**
 * What this node needs after a change, read before the change: in 'managed' mode nothing and
 * nothing is asked (no CONFIG at all); otherwise ACL SAVE where an aclfile is kept, and — only
 * in 'config-rewrite' mode — CONFIG REWRITE where there is none.
 */
export async function persistenceOf(c: Redis, node: RedisAddress, secrets: Secrets, mode: AclPersistenceMode | null | undefined): Promise<NodePersistence> {
  if (mode === 'managed') return 'none';
  if (await readAclFile(c, node, secrets)) return 'acl-save';
  return mode === 'config-rewrite' ? 'config-rewrite' : 'none';
}

export async function persistAcl(c: Redis, node: RedisAddress, secrets: Secrets, how: NodePersistence = 'acl-save'): Promise<void> {
  if (how === 'none') return;
  const command = how === 'acl-save' ? ['ACL', 'SAVE'] : ['CONFIG', 'REWRITE'];
  try {
    await c.call(command[0], command[1]);
  } catch (e) {
    throw commandFailure('PERSIST_FAILED', command.join(' '), node, e, secrets);
  }
}

/** ACL SAVE or CONFIG REWRITE on the nodes that need it (as read before they were changed). */
export async function persistWhereKept(
  t: RedisTarget,
  nodes: RedisNodeInfo[],
  persistence: Map<string, NodePersistence>,
  secrets: Secrets,
  admin?: AdminRunner,
): Promise<void> {
  const persisted = nodes.filter((n) => (persistence.get(nodeName(n)) ?? 'none') !== 'none');
  const onNode: AdminRunner = admin ?? ((node, work) => withAdmin(t, node, secrets, work));
  await onEveryNode(persisted, (node) => onNode(node, (c) => persistAcl(c, node, secrets, persistence.get(nodeName(node)))));
}
