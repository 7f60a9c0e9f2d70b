/**
 * Real redis-server processes on free loopback ports, each in its own temp dir, configured
 * like a deployment Rotor manages: `default` disabled, an admin user for Rotor, a `root`
 * user for the test itself (so a test can take permissions away from the admin).
 * Call stopAllRedisServers() in afterAll; a crashed worker still kills them on exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { waitFor } from '@rotor/testing';

export const HOST = '127.0.0.1';
export const ADMIN_USER = 'executor-admin';
export const ADMIN_PASSWORD = 'executor-admin-pw-5d1b7a';
const ROOT_USER = 'root';
const ROOT_PASSWORD = 'executor-root-pw-0c93e4';

export interface RedisServer {
  host: string;
  port: number;
  /** 'host:port', as redis-acl names nodes. */
  name: string;
  /** Runs `work` as the test's own superuser and disconnects. */
  asRoot<T>(work: (c: Redis) => Promise<T>): Promise<T>;
  stop(): Promise<void>;
  isRunning(): boolean;
}

const living = new Set<ChildProcess>();
const servers = new Set<RedisServer>();
process.on('exit', () => {
  for (const child of living) child.kill('SIGKILL');
});

export async function startRedisServer(opts: { replicaOf?: RedisServer } = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'rotor-executor-redis-'));
  const config = [
    `port ${port}`,
    `bind ${HOST}`,
    `dir ${dir}`,
    'save ""',
    'appendonly no',
    'daemonize no',
    'logfile ""',
    // Replicas sync at once instead of after the default 5 s wait for more replicas.
    'repl-diskless-sync-delay 0',
    'user default off',
    `user ${ADMIN_USER} on >${ADMIN_PASSWORD} ~* &* +@all`,
    `user ${ROOT_USER} on >${ROOT_PASSWORD} ~* &* +@all`,
    ...(opts.replicaOf
      ? [`replicaof ${opts.replicaOf.host} ${opts.replicaOf.port}`, `masteruser ${ROOT_USER}`, `masterauth ${ROOT_PASSWORD}`]
      : []),
  ];
  const configFile = join(dir, 'redis.conf');
  await writeFile(configFile, `${config.join('\n')}\n`);

  const child = spawn('redis-server', [configFile], { stdio: 'ignore' });
  living.add(child);
  let running = true;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      running = false;
      living.delete(child);
      resolve();
    });
  });

  const server: RedisServer = {
    host: HOST,
    port,
    name: `${HOST}:${port}`,
    async asRoot(work) {
      const c = new Redis({ host: HOST, port, username: ROOT_USER, password: ROOT_PASSWORD, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      c.on('error', () => undefined);
      try {
        await c.connect();
        return await work(c);
      } finally {
        c.disconnect();
      }
    },
    async stop() {
      servers.delete(server);
      if (running) child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
    isRunning: () => running,
  };
  servers.add(server);

  await waitFor(() => server.asRoot(async (c) => (await c.ping()) === 'PONG'), { timeoutMs: 10_000, message: `redis-server on ${port}` });
  if (opts.replicaOf) {
    const primary = opts.replicaOf;
    await waitFor(
      () => server.asRoot(async (c) => /master_link_status:up/.test(await c.info('replication'))),
      { timeoutMs: 10_000, message: `replica ${port} linked to ${primary.port}` },
    );
  }
  return server;
}

export async function stopAllRedisServers(): Promise<void> {
  await Promise.all([...servers].map((s) => s.stop()));
}

/** Does this username/password authenticate on the server right now (fresh connection)? */
export async function authenticates(server: RedisServer, username: string, password: string): Promise<boolean> {
  const c = new Redis({ host: server.host, port: server.port, lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
  c.on('error', () => undefined);
  try {
    await c.connect();
    await c.auth(username, password);
    return true;
  } catch (e) {
    if ((e as Error).name === 'ReplyError') return false;
    throw e;
  } finally {
    c.disconnect();
  }
}

/** ACL GETUSER as root: null when the user does not exist. */
export function aclUser(server: RedisServer, username: string): Promise<unknown> {
  return server.asRoot((c) => c.call('ACL', 'GETUSER', username));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, HOST, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
