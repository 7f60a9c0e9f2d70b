import { lookup } from 'node:dns/promises';
import type { Redis } from 'ioredis';
import { errorText, isReplyError, targetSecrets, withAdmin, withNode, type AdminRunner, type Secrets } from './connection';
import { RedisAclError, redactSecrets } from './redis-acl.error';
import { nodeName, type RedisAddress, type RedisNodeInfo, type RedisTarget, type RedisTopology } from './redis-target';

type SentinelTopology = Extract<RedisTopology, { type: 'sentinel' }>;

/**
 * Every node Rotor must update, primary first. ACL users are not replicated, so a node that
 * is missed would reject the credential the day it serves clients (after a failover, say).
 * Hence the rule: a node that is known but cannot be reached fails the operation later; it
 * is never left out here.
 */
export async function discoverNodes(t: RedisTarget, admin?: AdminRunner): Promise<RedisNodeInfo[]> {
  const secrets = targetSecrets(t);
  // Data nodes are asked as the admin, on the caller's shared connections when it has some.
  const onNode: AdminRunner = admin ?? ((node, work) => withAdmin(t, node, secrets, work));
  switch (t.topology.type) {
    case 'single':
      // A single server is a primary without replicas; one it does have would be missed.
      return discoverListedReplicas(t, [], secrets, onNode);
    case 'replicas':
      return discoverListedReplicas(t, t.topology.replicas, secrets, onNode);
    case 'sentinel':
      return discoverViaSentinels(t, t.topology, secrets, onNode);
    case 'cluster':
      return discoverCluster(t, secrets, onNode);
  }
}

type Role = { role: 'primary'; replicas: RedisAddress[] } | { role: 'replica'; primary: RedisAddress } | { role: 'other'; name: string };

/**
 * Role from INFO replication rather than ROLE: ROLE lists only replicas that finished their
 * initial sync, INFO also those still syncing — which will serve clients soon enough.
 */
async function readRole(client: Redis, node: RedisAddress, secrets: Secrets): Promise<Role> {
  const info = String(await runDiscovery(client, node, secrets, 'INFO replication', ['INFO', 'replication']));
  const fields = new Map(
    info
      .split(/\r?\n/)
      .filter((l) => l.includes(':') && !l.startsWith('#'))
      .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)] as const),
  );
  const role = fields.get('role');
  if (role === 'master') {
    const replicas = [...fields.entries()]
      .filter(([k]) => /^slave\d+$/.test(k))
      .map(([, v]) => new Map(v.split(',').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as const)))
      .map((r) => ({ host: r.get('ip') ?? '', port: Number(r.get('port')) }));
    return { role: 'primary', replicas };
  }
  if (role === 'slave') return { role: 'replica', primary: { host: fields.get('master_host') ?? '', port: Number(fields.get('master_port')) } };
  return { role: 'other', name: role ?? 'unknown' };
}

async function runDiscovery(client: Redis, node: RedisAddress, secrets: Secrets, label: string, args: string[]): Promise<unknown> {
  try {
    return await client.call(args[0], ...args.slice(1));
  } catch (e) {
    const name = nodeName(node);
    const reason = redactSecrets(errorText(e), secrets);
    if (isReplyError(e) && reason.startsWith('NOPERM')) {
      throw new RedisAclError('permission', `The admin user may not run ${label} on ${name}, which Rotor needs to find every node: ${reason}`, name, false);
    }
    throw new RedisAclError('DISCOVERY_FAILED', `${label} failed on ${name}: ${reason}`, name, !isReplyError(e));
  }
}

async function confirmPrimary(node: RedisAddress, secrets: Secrets, onNode: AdminRunner): Promise<RedisNodeInfo & { replicas: RedisAddress[] }> {
  const role = await onNode(node, (c) => readRole(c, node, secrets));
  if (role.role !== 'primary') {
    const name = nodeName(node);
    const what = role.role === 'replica' ? `a replica of ${nodeName(role.primary)}` : `a ${role.name}`;
    throw new RedisAclError(
      'DISCOVERY_FAILED',
      `${name} should be the primary but reports being ${what}; fix the connection's host or topology (a failover may be in progress).`,
      name,
      true,
    );
  }
  return { host: node.host, port: node.port, role: 'primary', replicas: role.replicas };
}

/** Listed replicas must be replicas, and the primary must not have a replica that is not listed. */
async function discoverListedReplicas(t: RedisTarget, listed: RedisAddress[], secrets: Secrets, onNode: AdminRunner): Promise<RedisNodeInfo[]> {
  const primary = await confirmPrimary(t, secrets, onNode);
  for (const node of listed) {
    const role = await onNode(node, (c) => readRole(c, node, secrets));
    if (role.role !== 'replica') {
      const name = nodeName(node);
      throw new RedisAclError('DISCOVERY_FAILED', `${name} is listed as a replica but reports role ${role.role === 'other' ? role.name : 'primary'}.`, name, false);
    }
  }
  const listedKeys = new Set((await Promise.all(listed.map(addressKeys))).flat());
  for (const reported of primary.replicas) {
    const keys = await addressKeys(reported);
    if (!keys.some((k) => listedKeys.has(k))) {
      throw new RedisAclError(
        'DISCOVERY_FAILED',
        `The primary ${nodeName(primary)} has replica ${nodeName(reported)}, which the connection does not list; ` +
          `every node must receive the user, so add it (topology "replicas" or "sentinel").`,
        nodeName(reported),
        false,
      );
    }
  }
  return dedupe([{ host: primary.host, port: primary.port, role: 'primary' }, ...listed.map((r) => ({ ...r, role: 'replica' as const }))]);
}

/** 'ip:port' for every address a host name resolves to, so 'localhost' and '127.0.0.1' match. */
async function addressKeys(node: RedisAddress): Promise<string[]> {
  try {
    const all = await lookup(node.host, { all: true });
    return all.map((a) => `${a.address}:${node.port}`);
  } catch {
    return [`${node.host}:${node.port}`];
  }
}

/**
 * Asks the sentinels in order until one answers. Replicas flagged s_down or disconnected are
 * kept: if they cannot be updated the rotation fails loudly (SENTINEL RESET forgets replicas
 * that were removed for good).
 */
async function discoverViaSentinels(t: RedisTarget, topo: SentinelTopology, secrets: Secrets, onNode: AdminRunner): Promise<RedisNodeInfo[]> {
  const found = await askSentinels(t, topo, secrets);
  const primary = await confirmPrimary(found.primary, secrets, onNode);
  return dedupe([{ host: primary.host, port: primary.port, role: 'primary' }, ...found.replicas.map((r) => ({ ...r, role: 'replica' as const }))]);
}

async function askSentinels(t: RedisTarget, topo: SentinelTopology, secrets: Secrets): Promise<{ primary: RedisAddress; replicas: RedisAddress[] }> {
  const failures: RedisAclError[] = [];
  for (const sentinel of topo.sentinels) {
    try {
      const creds = { username: topo.sentinelUsername, password: topo.sentinelPassword };
      return await withNode(sentinel, t.tls, creds, secrets, (c) => askSentinel(c, sentinel, topo.masterName, secrets));
    } catch (e) {
      if (!(e instanceof RedisAclError)) throw e;
      failures.push(e);
    }
  }
  if (failures.length === 1) throw failures[0];
  // What a sentinel that answered said (wrong password, unknown master) says more than a timeout.
  const lead = failures.find((f) => f.code !== 'unreachable' && f.code !== 'tls') ?? failures[0];
  throw new RedisAclError(
    lead?.code ?? 'DISCOVERY_FAILED',
    `No sentinel gave the primary of "${topo.masterName}": ${failures.map((f) => f.message).join(' | ') || 'no sentinel is configured'}`,
    lead?.node ?? null,
    failures.some((f) => f.retryable),
  );
}

async function askSentinel(c: Redis, sentinel: RedisAddress, masterName: string, secrets: Secrets): Promise<{ primary: RedisAddress; replicas: RedisAddress[] }> {
  const addr = (await runDiscovery(c, sentinel, secrets, 'SENTINEL GET-MASTER-ADDR-BY-NAME', ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName])) as string[] | null;
  if (!addr) {
    const name = nodeName(sentinel);
    throw new RedisAclError('DISCOVERY_FAILED', `Sentinel ${name} does not monitor a master named "${masterName}".`, name, false);
  }
  const replies = (await runDiscovery(c, sentinel, secrets, 'SENTINEL REPLICAS', ['SENTINEL', 'REPLICAS', masterName])) as unknown[][];
  const replicas = replies.map((flat) => {
    const f: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) f[String(flat[i])] = String(flat[i + 1]);
    return { host: f['ip'] ?? '', port: Number(f['port']) };
  });
  return { primary: { host: addr[0], port: Number(addr[1]) }, replicas };
}

/**
 * CLUSTER NODES from the seed: every primary and replica. Nodes flagged `fail` (the cluster
 * itself gave up on them), `handshake` (not yet a member) or `noaddr` (no known address) are
 * left out; a node merely suspected (`fail?`) is kept.
 */
async function discoverCluster(t: RedisTarget, secrets: Secrets, onNode: AdminRunner): Promise<RedisNodeInfo[]> {
  const text = (await onNode(t, (c) => runDiscovery(c, t, secrets, 'CLUSTER NODES', ['CLUSTER', 'NODES']))) as string;
  const nodes = parseClusterNodes(text, t.host);
  if (nodes.length === 0) throw new RedisAclError('DISCOVERY_FAILED', `CLUSTER NODES on ${nodeName(t)} listed no usable node.`, nodeName(t), true);
  return dedupe([...nodes.filter((n) => n.role === 'primary'), ...nodes.filter((n) => n.role === 'replica')]);
}

export function parseClusterNodes(text: string, seedHost: string): RedisNodeInfo[] {
  const out: RedisNodeInfo[] = [];
  for (const line of text.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const [, address = '', flagText = ''] = line.split(' ');
    const flags = flagText.split(',');
    if (flags.some((f) => f === 'fail' || f === 'handshake' || f === 'noaddr')) continue;
    const hostPort = address.split('@')[0];
    const colon = hostPort.lastIndexOf(':');
    // A node that has not met any other yet shows an empty ip for itself: that is the seed.
    const host = hostPort.slice(0, colon) || (flags.includes('myself') ? seedHost : '');
    const port = Number(hostPort.slice(colon + 1));
    if (!host || !port) continue;
    out.push({ host, port, role: flags.includes('master') ? 'primary' : 'replica' });
  }
  return out;
}

function dedupe(nodes: RedisNodeInfo[]): RedisNodeInfo[] {
  const seen = new Set<string>();
  return nodes.filter((n) => !seen.has(nodeName(n)) && seen.add(nodeName(n)));
}
