import type { Cluster, Redis, RedisOptions } from 'ioredis';
import type { RedisCredential } from './credential';

/**
 * Makes a client use `credential` from now on, without dropping what is in flight:
 * - new connections: ioredis reads `options.username/password` on every (re)connect, so
 *   those are updated in place;
 * - open connections: `AUTH user pass` goes into the connection's own command queue, so
 *   every command sent before it runs as the previous user (still valid: dual-phase) and
 *   every command after it as the new one. Nothing is closed or re-sent.
 */
export async function applyToRedis(client: Redis, credential: RedisCredential): Promise<void> {
  setCredential(client.options, credential);
  await reauthenticate(client, credential);
}

/** The same for a Cluster: the options new node connections are made from, then every open node. */
export async function applyToCluster(cluster: Cluster, credential: RedisCredential): Promise<void> {
  const shared = (cluster.options.redisOptions ??= {});
  setCredential(shared, credential);
  // The pool keeps the object it was given; when the caller passed none, that is another one.
  const pool = (cluster as unknown as { connectionPool?: { redisOptions?: RedisOptions } }).connectionPool;
  if (pool?.redisOptions && pool.redisOptions !== shared) setCredential(pool.redisOptions, credential);
  await Promise.all(cluster.nodes('all').map((node) => applyToRedis(node, credential)));
}

function setCredential(options: RedisOptions, credential: RedisCredential): void {
  options.username = credential.username;
  options.password = credential.password;
}

async function reauthenticate(client: Redis, credential: RedisCredential): Promise<void> {
  // A connection opening its socket ('connecting') took its handshake's AUTH from the options
  // when it began, and one in its handshake ('connect') has sent it: maybe the previous
  // credential. Let either become ready, then authenticate it again. One waiting to reconnect
  // reads the options, already updated, when it starts.
  if ((client.status === 'connecting' || client.status === 'connect') && !(await readyWithin(client, HANDSHAKE_WAIT_MS))) return;
  // One in subscriber mode may not send AUTH (RESP2) and keeps its identity until it reconnects.
  if (client.status !== 'ready' || client.condition?.subscriber) return;
  try {
    await client.call('AUTH', credential.username, credential.password);
  } catch (e) {
    // ioredis attaches the command (with the password) to its errors: keep only the sentence.
    const where = `${client.options.host ?? '?'}:${client.options.port ?? '?'}`;
    throw new Error(`AUTH as ${credential.username} on ${where} failed: ${(e as Error).message}`);
  }
}

/** How long a credential change waits for a connection in its handshake to become ready. */
const HANDSHAKE_WAIT_MS = 5_000;

function readyWithin(client: Redis, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ready: boolean) => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('close', onClose);
      resolve(ready);
    };
    const onReady = () => done(true);
    const onClose = () => done(false);
    const timer = setTimeout(() => done(false), ms);
    client.once('ready', onReady);
    client.once('close', onClose);
  });
}
