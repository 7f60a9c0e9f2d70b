import type { Redis } from 'ioredis';
import { ACL_SAVE, CONFIG_REWRITE, missingPermissions, SET_AND_DELETE_USERS, USER_MANAGEMENT, type RequiredCommand } from './admin-permissions';
import { onEveryNode, targetSecrets, withAdmin, type Secrets } from './connection';
import { discoverNodes } from './discover-nodes';
import { readAclFile, readConfigFile, type NodePersistence } from './persist-acl';
import { RedisAclError } from './redis-acl.error';
import { nodeName, type AclPersistenceMode, type RedisAddress, type RedisTarget } from './redis-target';

/** What the check found on one node about keeping ACL users across a restart. */
export interface NodePersistenceReport {
  node: string;
  /** An aclfile is kept (ACL SAVE persists Rotor's users); null in 'managed' mode, where nothing is asked. */
  aclfile: boolean | null;
  /** The server was started with a config file, so CONFIG REWRITE could write its users there; null in 'managed' mode. */
  configFile: boolean | null;
  /** What Rotor does after each change on this node. */
  persistence: NodePersistence;
}

/** Where each node keeps its ACL users, and how Rotor persists its changes there. */
export interface ConnectionReport {
  mode: AclPersistenceMode;
  nodes: NodePersistenceReport[];
}

/**
 * Proves, on every node, what a rotation will need: the node is reachable (TLS included), the
 * admin credentials are accepted, and the admin may run ACL SETUSER and ACL DELUSER, and —
 * unless the connection is 'managed' — CONFIG GET, ACL SAVE where an aclfile is kept and, in
 * 'config-rewrite' mode, CONFIG REWRITE where none is (the server must have a config file).
 * Nothing is changed. Throws RedisAclError with code 'unreachable' | 'tls' | 'auth' |
 * 'permission' (or 'DISCOVERY_FAILED' when the topology is not what the connection says,
 * 'PERSIST_FAILED' when persistence cannot be read or set up). Reports, per node, whether ACL
 * users survive a restart, so a caller can say so before the first rotation.
 */
export async function checkConnection(t: RedisTarget): Promise<ConnectionReport> {
  const secrets = targetSecrets(t);
  const mode: AclPersistenceMode = t.aclPersistenceMode ?? 'auto';
  const nodes = await discoverNodes(t);
  const found = new Map<string, NodePersistenceReport>();
  await onEveryNode(nodes, (node) =>
    withAdmin(t, node, secrets, async (c) => {
      found.set(nodeName(node), await checkNode(c, t.username, node, secrets, mode));
    }),
  );
  return { mode, nodes: nodes.map((n) => found.get(nodeName(n)) as NodePersistenceReport) };
}

async function checkNode(c: Redis, admin: string, node: RedisAddress, secrets: Secrets, mode: AclPersistenceMode): Promise<NodePersistenceReport> {
  const name = nodeName(node);
  if (mode === 'managed') {
    // The service persists ACLs itself and may refuse CONFIG and ACL SAVE: neither is asked for.
    await requirePermissions(c, admin, node, SET_AND_DELETE_USERS);
    return { node: name, aclfile: null, configFile: null, persistence: 'none' };
  }
  await requirePermissions(c, admin, node, USER_MANAGEMENT);
  // CONFIG GET was just proven allowed.
  const aclfile = await readAclFile(c, node, secrets);
  const configFile = await readConfigFile(c, node, secrets);
  if (aclfile) {
    await requirePermissions(c, admin, node, [ACL_SAVE]);
    return { node: name, aclfile, configFile, persistence: 'acl-save' };
  }
  if (mode !== 'config-rewrite') return { node: name, aclfile, configFile, persistence: 'none' };
  if (!configFile) {
    throw new RedisAclError(
      'PERSIST_FAILED',
      `Redis at ${name} keeps no aclfile and was started without a config file, so CONFIG REWRITE cannot persist Rotor's users there; ` +
        "configure an aclfile or a config file, or set aclPersistenceMode to 'auto'.",
      name,
      false,
    );
  }
  await requirePermissions(c, admin, node, [CONFIG_REWRITE]);
  return { node: name, aclfile, configFile, persistence: 'config-rewrite' };
}

async function requirePermissions(c: Redis, admin: string, node: RedisAddress, required: RequiredCommand[]): Promise<void> {
  const name = nodeName(node);
  const answer = await missingPermissions(c, admin, required);
  if (!answer.known) {
    throw new RedisAclError(
      'permission',
      `Cannot tell whether user "${admin}" may manage ACL users on ${name} (${answer.reason}); grant it +acl (or at least acl|dryrun).`,
      name,
      false,
    );
  }
  if (answer.missing.length > 0) {
    throw new RedisAclError(
      'permission',
      `User "${admin}" may not run ${answer.missing.join(', ')} on ${name}; Rotor needs them to rotate credentials (grant e.g. +acl +config|get).`,
      name,
      false,
    );
  }
}
