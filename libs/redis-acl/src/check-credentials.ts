import { targetSecrets } from './connection';
import type { AdminOptions } from './rotate-user';
import { discoverNodes } from './discover-nodes';
import { isRedisAclError, redactSecrets } from './redis-acl.error';
import { nodeName, type RedisTarget } from './redis-target';
import { probeCredential } from './verify-credential';

export interface CredentialToCheck {
  /** The caller's label for it ('active', 'previous'), handed back in each result. */
  label: string;
  username: string;
  password: string;
}

export interface CredentialCheck {
  label: string;
  username: string;
  node: string;
  /** true: authenticates; false: Redis rejected it; null: the node could not be asked. */
  ok: boolean | null;
  /** What Redis answered (or why it could not be asked), with every secret masked. */
  answer: string;
}

/**
 * Continuous verification: does each credential still authenticate on every node of the
 * deployment? Discovers the nodes as the admin (read-only: INFO, CLUSTER NODES, SENTINEL; on
 * the pool's admin connections when one is given), then opens a fresh connection per node and
 * credential, exactly as rotateUser's second pass does (probeCredential). Changes nothing on any server. A discovery failure throws
 * RedisAclError; a node that cannot be reached is reported per node (`ok: null`), never as a
 * rejection.
 */
export async function checkCredentials(
  t: RedisTarget,
  credentials: readonly CredentialToCheck[],
  options: AdminOptions = {},
): Promise<{ nodes: string[]; checks: CredentialCheck[] }> {
  const secrets = [...targetSecrets(t), ...credentials.map((c) => c.password)];
  // Discovered afresh every time (a check is how a missed node shows up), on pooled admin connections when given.
  const nodes = await discoverNodes(t, options.pool?.runner(t, targetSecrets(t)));
  const perNode = await Promise.all(
    nodes.map(async (node) => {
      const checks: CredentialCheck[] = [];
      for (const c of credentials) {
        const base = { label: c.label, username: c.username, node: nodeName(node) };
        try {
          const probe = await probeCredential(node, t.tls, c.username, c.password);
          checks.push({ ...base, ok: probe.ok, answer: redactSecrets(probe.answer, secrets) });
        } catch (e) {
          if (!isRedisAclError(e)) throw e;
          checks.push({ ...base, ok: null, answer: redactSecrets(e.message, secrets) });
        }
      }
      return checks;
    }),
  );
  return { nodes: nodes.map(nodeName), checks: perNode.flat() };
}
