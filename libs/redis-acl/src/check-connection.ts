import type { Redis } from 'ioredis';
import { ACL_SAVE, missingPermissions, USER_MANAGEMENT, type RequiredCommand } from './admin-permissions';
import { onEveryNode, targetSecrets, withAdmin } from './connection';
import { discoverNodes } from './discover-nodes';
import { readAclFile } from './persist-acl';
import { RedisAclError } from './redis-acl.error';
import { nodeName, type RedisAddress, type RedisTarget } from './redis-target';

/** Where each node keeps its ACL users: in an aclfile (ACL SAVE persists them) or in memory only. */
export interface ConnectionReport {
  nodes: Array<{ node: string; aclfile: boolean }>;
}

/**
 * Proves, on every node, what a rotation will need: the node is reachable (TLS included), the
 * admin credentials are accepted, and the admin may run ACL SETUSER, ACL DELUSER, CONFIG GET
 * and — where an aclfile is kept — ACL SAVE. Nothing is changed. Throws RedisAclError with
 * code 'unreachable' | 'tls' | 'auth' | 'permission' (or 'DISCOVERY_FAILED' when the
 * topology is not what the connection says). Reports, per node, whether ACL users survive a
 * restart (an aclfile) or live in memory only — so a caller can say so before the first rotation.
 */
export async function checkConnection(t: RedisTarget): Promise<ConnectionReport> {
  const secrets = targetSecrets(t);
  const nodes = await discoverNodes(t);
  const aclfile = new Map<string, boolean>();
  await onEveryNode(nodes, (node) =>
    withAdmin(t, node, secrets, async (c) => {
      await requirePermissions(c, t.username, node, USER_MANAGEMENT);
      // CONFIG GET was just proven allowed; ACL SAVE matters only where an aclfile is kept.
      const keeps = await readAclFile(c, node, secrets);
      aclfile.set(nodeName(node), keeps);
      if (keeps) await requirePermissions(c, t.username, node, [ACL_SAVE]);
    }),
  );
  return { nodes: nodes.map((n) => ({ node: nodeName(n), aclfile: aclfile.get(nodeName(n)) ?? false })) };
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
