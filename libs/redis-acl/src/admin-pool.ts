import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { authenticate, openAuthenticated, type AdminRunner, type Secrets } from './connection';
import type { NodePersistence } from './persist-acl';
import { nodeName, type RedisAddress, type RedisNodeInfo, type RedisTarget } from './redis-target';

export interface AdminPoolOptions {
  /** A pooled admin connection nobody used for this long is closed (default 30 s). */
  idleMs?: number;
  /** How long a deployment's discovered nodes (and their persistence) are reused (default 5 s; 0 = never). */
  topologyTtlMs?: number;
}

/** What a rotation learned about a deployment: its nodes, primary first, and how each persists ACLs. */
export interface KnownTopology {
  nodes: RedisNodeInfo[];
  persistence: ReadonlyMap<string, NodePersistence>;
}

interface Session {
  key: string;
  client: Promise<Redis>;
  users: number;
  /** Operations that used it; the first one opened it and authenticated. */
  operations: number;
  retired: boolean;
  idle?: NodeJS.Timeout;
}

const DEFAULT_IDLE_MS = 30_000;
const DEFAULT_TOPOLOGY_TTL_MS = 5_000;

/**
 * Admin connections kept across operations, one per node and admin credential, and the
 * deployments' topology for a few seconds. Without it every rotation opens (TCP, TLS, AUTH)
 * and closes an admin connection per node and asks for the topology again.
 *
 * - A session is keyed by the node and a hash of everything that opens it (user, password,
 *   TLS): a connection whose credentials or TLS settings changed gets a new session; the old
 *   one idles out. ioredis multiplexes the commands of concurrent operations on it.
 * - A session whose work failed in any way is retired (closed once its last user is done),
 *   and so is one whose connection ended: nothing reuses a connection that may be broken.
 * - Idle sessions close after `idleMs`; close() closes every one (on shutdown). Timers are
 *   unref'd, so a pool never keeps a process alive.
 * - The topology is keyed by everything that decides it (address, topology, credentials,
 *   TLS, persistence mode) and dropped on any failure of an operation that used it (the
 *   caller calls forget()), so a failover or a node that went away is discovered again at
 *   once. A node ADDED within the TTL is missed until it expires: continuous verification
 *   reports it, and the next rotation after the TTL includes it.
 *
 * - Redis keeps a connection logged in whatever happens to its user's password afterwards, so
 *   an operation that reuses a session first sends AUTH again on it, once per node: a stored
 *   admin password that stopped working fails the operation exactly as a new connection would,
 *   instead of going unnoticed until the session closes.
 *
 * Verification never goes through the pool: it always opens a fresh connection per credential.
 */
export class AdminPool {
  private readonly sessions = new Map<string, Session>();
  private readonly topologies = new Map<string, KnownTopology & { expiresAt: number }>();
  private readonly idleMs: number;
  private readonly topologyTtlMs: number;
  private closed = false;

  constructor(options: AdminPoolOptions = {}) {
    this.idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
    this.topologyTtlMs = options.topologyTtlMs ?? DEFAULT_TOPOLOGY_TTL_MS;
  }

  /** Runs work on the pooled admin connection to a node of `t`. */
  runner(t: RedisTarget, secrets: Secrets): AdminRunner {
    const proven = new WeakSet<Session>();
    return async (node, work) => {
      const session = this.acquire(t, node, secrets);
      try {
        const client = await session.client;
        if (!proven.has(session)) {
          proven.add(session);
          if (session.operations++ > 0) await authenticate(client, node, t.tls, { username: t.username, password: t.password }, secrets);
        }
        return await work(client);
      } catch (e) {
        this.retire(session);
        throw e;
      } finally {
        this.release(session);
      }
    };
  }

  /** The topology last remembered for `t`, while it is fresh. */
  topology(t: RedisTarget): KnownTopology | undefined {
    const key = topologyKey(t);
    const known = this.topologies.get(key);
    if (!known) return undefined;
    if (known.expiresAt > Date.now()) return known;
    this.topologies.delete(key);
    return undefined;
  }

  remember(t: RedisTarget, topology: KnownTopology): void {
    if (this.topologyTtlMs <= 0 || this.closed) return;
    this.topologies.set(topologyKey(t), {
      nodes: topology.nodes.map((n) => ({ ...n })),
      persistence: new Map(topology.persistence),
      expiresAt: Date.now() + this.topologyTtlMs,
    });
  }

  /** Forgets `t`'s topology: the next operation discovers it again. */
  forget(t: RedisTarget): void {
    this.topologies.delete(topologyKey(t));
  }

  /** Open admin connections (for tests and metrics). */
  size(): number {
    return this.sessions.size;
  }

  /** Closes every session (those in use once their work ends) and stops pooling. */
  close(): void {
    this.closed = true;
    this.topologies.clear();
    for (const session of [...this.sessions.values()]) this.retire(session);
  }

  private acquire(t: RedisTarget, node: RedisAddress, secrets: Secrets): Session {
    const key = sessionKey(t, node);
    let session = this.sessions.get(key);
    if (!session) {
      const client = openAuthenticated(node, t.tls, { username: t.username, password: t.password }, secrets);
      const created: Session = { key, client, users: 0, operations: 0, retired: false };
      session = created;
      client.then(
        (c) => c.once('end', () => this.retire(created)),
        () => this.retire(created),
      );
      if (this.closed) created.retired = true;
      else this.sessions.set(key, created);
    }
    if (session.idle) clearTimeout(session.idle);
    session.idle = undefined;
    session.users++;
    return session;
  }

  private release(session: Session): void {
    session.users--;
    if (session.users > 0) return;
    if (session.retired) {
      disconnect(session);
      return;
    }
    session.idle = setTimeout(() => {
      this.retire(session);
    }, this.idleMs);
    session.idle.unref();
  }

  /** Never handed out again; closed as soon as nobody uses it. */
  private retire(session: Session): void {
    if (this.sessions.get(session.key) === session) this.sessions.delete(session.key);
    session.retired = true;
    if (session.idle) clearTimeout(session.idle);
    session.idle = undefined;
    if (session.users === 0) disconnect(session);
  }
}

function disconnect(session: Session): void {
  session.client.then(
    (c) => {
      if (c.status !== 'end') c.disconnect();
    },
    () => undefined,
  );
}

/** A hash, so no password is kept in a map key (or shows up in a heap snapshot as one). */
function hash(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
}

function sessionKey(t: RedisTarget, node: RedisAddress): string {
  return `${nodeName(node)}#${hash([t.username, t.password, t.tls ?? null])}`;
}

function topologyKey(t: RedisTarget): string {
  return hash([t.host, t.port, t.username, t.password, t.tls ?? null, t.topology, t.aclPersistenceMode ?? 'auto']);
}
