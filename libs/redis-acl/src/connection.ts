import { isIP } from 'node:net';
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { Redis, type RedisOptions } from 'ioredis';
import { RedisAclError, redactSecrets } from './redis-acl.error';
import { nodeName, type RedisAddress, type RedisTarget, type RedisTls } from './redis-target';

/**
 * One short-lived, directly addressed connection per node and step. Rotor never uses
 * ioredis' Sentinel or Cluster clients here: ACL state is per node, and those clients route
 * a command to *some* node. TLS settings therefore apply to every connection alike,
 * sentinels included (the equivalent of ioredis' sentinelTLS / enableTLSForSentinelMode).
 */
export const CONNECT_TIMEOUT_MS = 3_000;
export const COMMAND_TIMEOUT_MS = 10_000;

export type Secrets = ReadonlyArray<string | null | undefined>;

export interface Credentials {
  username?: string | null;
  password?: string | null;
}

/** The secrets of a target that must never appear in an error message. */
export function targetSecrets(t: RedisTarget): string[] {
  const sentinelPassword = t.topology.type === 'sentinel' ? t.topology.sentinelPassword : null;
  return [t.password, sentinelPassword].filter((s): s is string => !!s);
}

/** ioredis `tls` options: SNI by host name (an IP is not a valid SNI value), unless a servername is given. */
export function tlsOptions(node: RedisAddress, tls?: RedisTls | null): TlsConnectionOptions | undefined {
  if (!tls?.enabled) return undefined;
  const servername = tls.servername || (isIP(node.host) ? undefined : node.host);
  return {
    rejectUnauthorized: tls.rejectUnauthorized,
    ...(tls.caCertificate ? { ca: tls.caCertificate } : {}),
    ...(servername ? { servername } : {}),
  };
}

/** A Redis reply error (`-ERR …`, `-NOPERM …`) as opposed to a network or timeout failure. */
export function isReplyError(e: unknown): e is Error {
  return e instanceof Error && e.name === 'ReplyError';
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

const TLS_ERROR_CODE = /^(ERR_TLS_|ERR_SSL_|ERR_OSSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH)/;

function hint(tls: RedisTls | null | undefined): string {
  return tls?.enabled ? 'whether that port speaks TLS' : 'whether the server requires TLS';
}

/** Classifies a failure to open a connection: 'tls' when the handshake or certificate failed, else 'unreachable'. */
export function connectFailure(e: unknown, node: RedisAddress, tls: RedisTls | null | undefined, secrets: Secrets): RedisAclError {
  const name = nodeName(node);
  const code = (e as NodeJS.ErrnoException | undefined)?.code ?? '';
  const reason = redactSecrets(errorText(e), secrets);
  if (TLS_ERROR_CODE.test(code)) {
    return new RedisAclError(
      'tls',
      `TLS handshake with Redis at ${name} failed (${code}: ${reason}); check the CA certificate, the server name and rejectUnauthorized.`,
      name,
      false,
    );
  }
  return new RedisAclError(
    'unreachable',
    `Cannot reach Redis at ${name} (${code ? `${code}: ` : ''}${reason}); check host, port, firewall and ${hint(tls)}.`,
    name,
    true,
  );
}

/** Opens a connection without authenticating; fails fast and never reconnects. */
export async function openConnection(node: RedisAddress, tls: RedisTls | null | undefined, secrets: Secrets): Promise<Redis> {
  const tlsOpts = tlsOptions(node, tls);
  const options: RedisOptions = {
    host: node.host,
    port: node.port,
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
    enableReadyCheck: false,
    autoResubscribe: false,
    ...(tlsOpts ? { tls: tlsOpts } : {}),
  };
  const client = new Redis(options);
  // ioredis reports the real cause (ECONNREFUSED, a certificate error) only through 'error';
  // connect() itself rejects with a generic "Connection is closed.".
  let lastError: unknown;
  client.on('error', (e: unknown) => {
    lastError = e;
  });
  try {
    await client.connect();
    return client;
  } catch (e) {
    // Already closed after a failed connect; disconnect() again would arm a 2 s timer on a dead socket.
    if (client.status !== 'end') client.disconnect();
    throw connectFailure(lastError ?? e, node, tls, secrets);
  }
}

/** AUTH as the given user; a rejection becomes 'auth', a dropped connection 'unreachable'. */
export async function authenticate(
  client: Redis,
  node: RedisAddress,
  tls: RedisTls | null | undefined,
  creds: Credentials,
  secrets: Secrets,
): Promise<void> {
  if (!creds.password) return;
  const name = nodeName(node);
  try {
    await (creds.username ? client.auth(creds.username, creds.password) : client.auth(creds.password));
  } catch (e) {
    const reason = redactSecrets(errorText(e), secrets);
    if (isReplyError(e)) {
      const who = creds.username ? `user "${creds.username}"` : 'the default user';
      throw new RedisAclError('auth', `Redis at ${name} rejected the credentials of ${who}: ${reason}`, name, false);
    }
    throw new RedisAclError('unreachable', `Lost the connection to Redis at ${name} while authenticating (${reason}); check ${hint(tls)}.`, name, true);
  }
}

/** A connection to one node, authenticated as `creds`; closed again when that fails. */
export async function openAuthenticated(node: RedisAddress, tls: RedisTls | null | undefined, creds: Credentials, secrets: Secrets): Promise<Redis> {
  const client = await openConnection(node, tls, secrets);
  try {
    await authenticate(client, node, tls, creds, secrets);
    return client;
  } catch (e) {
    client.disconnect();
    throw e;
  }
}

/** Runs `work` on an authenticated connection to one node and always closes it. */
export async function withNode<T>(
  node: RedisAddress,
  tls: RedisTls | null | undefined,
  creds: Credentials,
  secrets: Secrets,
  work: (client: Redis) => Promise<T>,
): Promise<T> {
  const client = await openAuthenticated(node, tls, creds, secrets);
  try {
    return await work(client);
  } finally {
    client.disconnect();
  }
}

/** withNode as the target's admin user. */
export function withAdmin<T>(t: RedisTarget, node: RedisAddress, secrets: Secrets, work: (client: Redis) => Promise<T>): Promise<T> {
  return withNode(node, t.tls, { username: t.username, password: t.password }, secrets, work);
}

/** Runs `work` on an admin connection to `node`: withAdmin, or the connection an AdminSessions keeps. */
export type AdminRunner = <T>(node: RedisAddress, work: (client: Redis) => Promise<T>) => Promise<T>;

/**
 * Admin connections shared by the passes of one operation (discovery, change, persistence),
 * one per node, opened on first use and all closed by close(): a rotation then costs one
 * admin connection per node instead of one per pass. A connection whose work failed is
 * closed and forgotten, so nothing reuses it.
 */
export class AdminSessions {
  private readonly clients = new Map<string, Promise<Redis>>();

  constructor(
    private readonly t: RedisTarget,
    private readonly secrets: Secrets,
  ) {}

  readonly run: AdminRunner = async (node, work) => {
    const key = nodeName(node);
    let opening = this.clients.get(key);
    if (!opening) {
      opening = this.connect(node);
      this.clients.set(key, opening);
      opening.catch(() => this.clients.delete(key));
    }
    const client = await opening;
    try {
      return await work(client);
    } catch (e) {
      this.clients.delete(key);
      client.disconnect();
      throw e;
    }
  };

  close(): void {
    for (const opening of this.clients.values()) opening.then((c) => c.disconnect(), () => undefined);
    this.clients.clear();
  }

  private connect(node: RedisAddress): Promise<Redis> {
    return openAuthenticated(node, this.t.tls, { username: this.t.username, password: this.t.password }, this.secrets);
  }
}

/** Runs `step` on every node at once; if any fails, throws the failure of the first such node in list order. */
export async function onEveryNode<N>(nodes: readonly N[], step: (node: N) => Promise<void>): Promise<void> {
  const results = await Promise.allSettled(nodes.map((n) => step(n)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * Turns the failure of a command into a RedisAclError of the given step. A reply from Redis
 * (NOPERM, syntax) will not change by retrying, except the few transient states listed; a
 * dropped connection or a timeout may.
 */
export function commandFailure(
  code: RedisAclError['code'],
  what: string,
  node: RedisAddress,
  e: unknown,
  secrets: Secrets,
): RedisAclError {
  if (e instanceof RedisAclError) return e;
  const name = nodeName(node);
  const reason = redactSecrets(errorText(e), secrets);
  const retryable = !isReplyError(e) || /^(LOADING|BUSY|TRYAGAIN|CLUSTERDOWN|MASTERDOWN)\b/.test(errorText(e));
  return new RedisAclError(code, `${what} failed on ${name}: ${reason}`, name, retryable);
}
