import type { Redis } from 'ioredis';
import { ACL_SAVE, missingPermissions, USER_MANAGEMENT, type RequiredCommand } from './admin-permissions';
import { onEveryNode, targetSecrets, withAdmin } from './connection';
import { discoverNodes } from './discover-nodes';
import { readAclFile } from './persist-acl';
import { RedisAclError } from './redis-acl.error';
import { nodeName, type RedisAddress, type RedisTarget } from './redis-target';

/**
 * Proves, on every node, what a rotation will need: the node is reachable (TLS included), the
 * admin credentials are accepted, and the admin may run ACL SETUSER, ACL DELUSER, CONFIG GET
 * and — where an aclfile is kept — ACL SAVE. Nothing is changed. Throws RedisAclError with
 * code 'unreachable' | 'tls' | 'auth' | 'permission' (or 'DISCOVERY_FAILED' when the
 * topology is not what the connection says).
 */
export async function checkConnection(t: RedisTarget): Promise<void> {
  const secrets = targetSecrets(t);
  const nodes = await discoverNodes(t);
  await onEveryNode(nodes, (node) =>
    withAdmin(t, node, secrets, async (c) => {
      await requirePermissions(c, t.username, node, USER_MANAGEMENT);
      // CONFIG GET was just proven allowed; ACL SAVE matters only where an aclfile is kept.
      if (await readAclFile(c, node, secrets)) await requirePermissions(c, t.username, node, [ACL_SAVE]);
    }),
  );
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
