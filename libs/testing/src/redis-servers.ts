/**
 * Real redis-server processes for tests: standalone (plain, TLS, aclfile), replicas
 * (--replicaof), sentinels and a cluster, each on free loopback ports in its own temp dir,
 * configured like a real deployment: `default` is disabled, Rotor has an admin user,
 * replicas authenticate to their primary, sentinels to the data nodes.
 *
 * Every process belongs to a RedisFleet; call `fleet.stopAll()` in afterAll. Processes that a
 * crashed test run could leave behind are killed when the Jest worker exits.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis, type RedisOptions } from 'ioredis';
import { waitFor } from './wait-for';

const run = promisify(execFile);

export const REDIS_HOST = '127.0.0.1';
export const ADMIN_USER = 'rotor-admin';
export const ADMIN_PASSWORD = 'admin-pw-7f3c1e';
export const ADMIN_RULES = '~* &* +@all';
const REPLICATION_USER = 'replicator';
const REPLICATION_PASSWORD = 'repl-pw-51aa';
const SENTINEL_USER = 'sentinel-mon';
const SENTINEL_DATA_PASSWORD = 'sentinel-data-pw-93d';
/** What clients must send to the sentinels themselves (their `requirepass`). */
export const SENTINEL_PASSWORD = 'sentinel-pw-0b7';

export interface TlsMaterial {
  dir: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  /** PEM of the CA that signed the server certificate. */
  ca: string;
  /** PEM of an unrelated CA, for "wrong CA" tests. */
  otherCa: string;
}

export interface StartOptions {
  /** Rules of the admin user on this server (default: everything). */
  adminRules?: string;
  /** More `user …` lines, e.g. 'user limited on >pw ~* +@all -acl'. */
  users?: string[];
  /** Keep users in an aclfile (loaded at boot, written by ACL SAVE) instead of redis.conf. */
  aclfile?: boolean;
  tls?: TlsMaterial;
  replicaOf?: RedisServer;
  cluster?: boolean;
  extraConfig?: string[];
}

export interface RedisServer {
  host: string;
  port: number;
  /** 'host:port', as the lib names nodes. */
  name: string;
  dir: string;
  tls?: TlsMaterial;
  aclfilePath?: string;
  /** An admin connection; the caller disconnects it. */
  admin(): Promise<Redis>;
  /** Runs `work` on an admin connection and closes it. */
  withAdmin<T>(work: (c: Redis) => Promise<T>): Promise<T>;
  stop(): Promise<void>;
  /** Stops and starts again on the same port with the same files. */
  restart(): Promise<void>;
  isRunning(): boolean;
}

export interface Cluster {
  nodes: RedisServer[];
  primaries: RedisServer[];
  replicas: RedisServer[];
}

const living = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of living) p.kill('SIGKILL');
});

export class RedisFleet {
  private readonly processes: Array<{ stop(): Promise<void> }> = [];
  private readonly dirs: string[] = [];

  async tempDir(prefix = 'rotor-redis-'): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    this.dirs.push(dir);
    return dir;
  }

  /** Stops every process and removes every temp dir, whatever state the test left them in. */
  async stopAll(): Promise<void> {
    await Promise.allSettled(this.processes.map((p) => p.stop()));
    await Promise.allSettled(this.dirs.map((d) => rm(d, { recursive: true, force: true })));
  }

  async tls(): Promise<TlsMaterial> {
    return makeTlsMaterial(await this.tempDir('rotor-redis-tls-'));
  }

  async start(opts: StartOptions = {}): Promise<RedisServer> {
    const dir = await this.tempDir();
    const users = [
      'user default off',
      `user ${ADMIN_USER} on >${ADMIN_PASSWORD} ${opts.adminRules ?? ADMIN_RULES}`,
      `user ${REPLICATION_USER} on >${REPLICATION_PASSWORD} -@all +psync +replconf +ping`,
      `user ${SENTINEL_USER} on >${SENTINEL_DATA_PASSWORD} allchannels -@all +multi +slaveof +ping +exec +subscribe +config|rewrite +role +publish +info +client|setname +client|kill +script|kill`,
      ...(opts.users ?? []),
    ];
    const aclfilePath = opts.aclfile ? join(dir, 'acl', 'users.acl') : undefined;
    if (aclfilePath) {
      await mkdir(join(dir, 'acl'));
      await writeFile(aclfilePath, users.join('\n') + '\n');
    }
    const tls = opts.tls;
    const { port, proc } = await startOnFreePort(0, async (port) => {
      // The cluster bus gets a port of its own from the same range (by default it is port + 10000).
      const busPort = opts.cluster ? await freePort(0) : undefined;
      const conf = [
        `bind ${REDIS_HOST}`,
        tls ? 'port 0' : `port ${port}`,
        ...(tls ? [...tlsConfig(tls, port), 'tls-replication yes'] : []),
        'daemonize no',
        `dir ${dir}`,
        'logfile ""',
        'save ""',
        'appendonly no',
        // Start a replica's full sync at once instead of waiting 5 s for more replicas.
        'repl-diskless-sync-delay 0',
        `masteruser ${REPLICATION_USER}`,
        `masterauth ${REPLICATION_PASSWORD}`,
        ...(opts.replicaOf ? [`replicaof ${opts.replicaOf.host} ${opts.replicaOf.port}`] : []),
        ...(opts.cluster ? ['cluster-enabled yes', 'cluster-config-file nodes.conf', 'cluster-node-timeout 3000', `cluster-port ${busPort}`] : []),
        ...(aclfilePath ? [`aclfile ${aclfilePath}`] : users),
        ...(opts.extraConfig ?? []),
      ];
      const confFile = join(dir, 'redis.conf');
      await writeFile(confFile, conf.join('\n') + '\n');
      return new ManagedProcess('redis-server', [confFile], dir, /Ready to accept connections/);
    });
    this.processes.push(proc);
    const clientOptions = (): RedisOptions => ({
      host: REDIS_HOST,
      port,
      username: ADMIN_USER,
      password: ADMIN_PASSWORD,
      maxRetriesPerRequest: 1,
      retryStrategy: () => null,
      ...(tls ? { tls: { ca: tls.ca, servername: 'localhost' } } : {}),
    });
    return serverOn(proc, port, dir, clientOptions, { tls, aclfilePath });
  }

  /**
   * A sentinel that monitors `primary` as `masterName` (quorum 1), protected by
   * SENTINEL_PASSWORD. With `tls`, it serves clients and talks to the data nodes over TLS only.
   */
  async startSentinel(primary: RedisServer, masterName = 'mymaster', tls?: TlsMaterial): Promise<RedisServer> {
    const dir = await this.tempDir('rotor-redis-sentinel-');
    const { port, proc } = await startOnFreePort(0, async (port) => {
      const conf = [
        `bind ${REDIS_HOST}`,
        ...(tls ? ['port 0', ...tlsConfig(tls, port), 'tls-replication yes'] : [`port ${port}`]),
        'daemonize no',
        `dir ${dir}`,
        'logfile ""',
        `sentinel monitor ${masterName} ${primary.host} ${primary.port} 1`,
        `sentinel auth-user ${masterName} ${SENTINEL_USER}`,
        `sentinel auth-pass ${masterName} ${SENTINEL_DATA_PASSWORD}`,
        `sentinel down-after-milliseconds ${masterName} 1500`,
        `sentinel failover-timeout ${masterName} 6000`,
        `requirepass ${SENTINEL_PASSWORD}`,
      ];
      const confFile = join(dir, 'sentinel.conf');
      await writeFile(confFile, conf.join('\n') + '\n');
      return new ManagedProcess('redis-server', [confFile, '--sentinel'], dir, /\+monitor master/);
    });
    this.processes.push(proc);
    const clientOptions = (): RedisOptions => ({
      host: REDIS_HOST,
      port,
      password: SENTINEL_PASSWORD,
      maxRetriesPerRequest: 1,
      retryStrategy: () => null,
      ...(tls ? { tls: { ca: tls.ca } } : {}),
    });
    return serverOn(proc, port, dir, clientOptions);
  }

  /** `primaries` primaries with `replicasPerPrimary` replicas each, joined by redis-cli --cluster create. */
  async startCluster(primaries = 3, replicasPerPrimary = 1): Promise<Cluster> {
    const count = primaries * (1 + replicasPerPrimary);
    const nodes = await Promise.all(Array.from({ length: count }, () => this.start({ cluster: true })));
    await run(
      'redis-cli',
      ['--user', ADMIN_USER, '--pass', ADMIN_PASSWORD, '--no-auth-warning', '--cluster', 'create', ...nodes.map((n) => n.name), '--cluster-replicas', String(replicasPerPrimary), '--cluster-yes'],
      { timeout: 30_000 },
    );
    // Settled: every node sees all nodes, none in handshake or failed, each in its final role.
    await waitUntil('every cluster node to see a healthy cluster', async () => {
      for (const n of nodes) {
        const ok = await n.withAdmin(async (c) => {
          const info = String(await c.call('CLUSTER', 'INFO'));
          const flags = String(await c.call('CLUSTER', 'NODES')).trim().split('\n').map((l) => l.split(' ')[2] ?? '');
          return (
            info.includes('cluster_state:ok') &&
            flags.length === count &&
            flags.every((f) => !/handshake|fail|noaddr/.test(f)) &&
            flags.filter((f) => f.includes('master')).length === primaries
          );
        });
        if (!ok) return false;
      }
      return true;
    });
    const roles = await Promise.all(nodes.map((n) => n.withAdmin(async (c) => String(((await c.call('ROLE')) as unknown[])[0]))));
    const replicas = nodes.filter((_, i) => roles[i] === 'slave');
    await Promise.all(replicas.map(waitForReplicaLink));
    return { nodes, primaries: nodes.filter((_, i) => roles[i] === 'master'), replicas };
  }
}

/**
 * The handle on a started redis-server process, data node or sentinel alike: `clientOptions`
 * is how its admin connects (a fresh connection each time, errors left to the caller's commands).
 */
function serverOn(
  proc: ManagedProcess,
  port: number,
  dir: string,
  clientOptions: () => RedisOptions,
  files: Pick<RedisServer, 'tls' | 'aclfilePath'> = {},
): RedisServer {
  const server: RedisServer = {
    host: REDIS_HOST,
    port,
    name: `${REDIS_HOST}:${port}`,
    dir,
    ...files,
    admin: async () => {
      const c = new Redis({ ...clientOptions(), lazyConnect: true });
      c.on('error', () => undefined);
      await c.connect();
      return c;
    },
    withAdmin: async (work) => {
      const c = await server.admin();
      try {
        return await work(c);
      } finally {
        c.disconnect();
      }
    },
    stop: () => proc.stop(),
    restart: async () => {
      await proc.stop();
      await proc.start();
    },
    isRunning: () => proc.isRunning(),
  };
  return server;
}

/** Waits until the replica's link to its primary is up (ACL users are not replicated; data is). */
export async function waitForReplicaLink(replica: RedisServer): Promise<void> {
  await waitUntil(`${replica.name} to sync with its primary`, () =>
    replica.withAdmin(async (c) => (await c.info('replication')).includes('master_link_status:up')),
  );
}

/**
 * Does `username`/`password` authenticate on the server right now? A fresh connection each
 * time (over TLS when the server serves TLS), so no client state answers instead of the server.
 */
export async function authenticates(server: RedisServer, username: string, password: string): Promise<boolean> {
  const c = new Redis({
    host: server.host,
    port: server.port,
    lazyConnect: true,
    enableReadyCheck: false,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
    ...(server.tls ? { tls: { ca: server.tls.ca, servername: 'localhost' } } : {}),
  });
  c.on('error', () => undefined);
  try {
    await c.connect();
    await c.auth(username, password);
    return true;
  } catch (e) {
    // WRONGPASS covers a wrong password, an unknown user and a disabled one; anything else
    // (unreachable, TLS trouble) is not an answer.
    if (/^WRONGPASS/.test((e as Error).message)) return false;
    throw e;
  } finally {
    c.disconnect();
  }
}

/** ACL GETUSER as the admin: null when the user does not exist. */
export function aclUser(server: RedisServer, username: string): Promise<unknown> {
  return server.withAdmin((c) => c.call('ACL', 'GETUSER', username));
}

/** waitFor with the message first, as the fleet's callers read best. */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  await waitFor(check, { message: what, timeoutMs, intervalMs: 100 });
}

/**
 * Starts the process `make` builds for a free port. A port found free can be taken by
 * another process (an outgoing connection of a test running alongside) before redis-server
 * binds it; then it is tried again on another port.
 */
async function startOnFreePort(busOffset: number, make: (port: number) => Promise<ManagedProcess>): Promise<{ port: number; proc: ManagedProcess }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort(busOffset);
    const proc = await make(port);
    try {
      await proc.start();
      return { port, proc };
    } catch (e) {
      if (attempt >= 5 || !/Address already in use/i.test((e as Error).message)) throw e;
    }
  }
}

/**
 * Ports the tests' redis-servers take: below the kernel's ephemeral range (32768+), so no
 * outgoing connection of a test running alongside can hold a port a server is restarted on,
 * and above every fixed port a test platform, chaos or bench run takes (up to 29xxx).
 */
const SERVER_PORTS = { first: 30_000, last: 32_767 };

/**
 * A free loopback port for a test server, chosen at random in SERVER_PORTS so two test
 * processes starting servers at once rarely pick the same one (startOnFreePort retries when
 * they do). `busOffset` > 0 also requires port + busOffset to be free.
 */
export async function freePort(busOffset: number): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = SERVER_PORTS.first + Math.floor(Math.random() * (SERVER_PORTS.last - SERVER_PORTS.first + 1));
    if ((await listenAndClose(port).catch(() => null)) === null) continue;
    if (busOffset === 0) return port;
    if (port + busOffset > 65_535) continue;
    if ((await listenAndClose(port + busOffset).catch(() => null)) !== null) return port;
  }
  throw new Error(`no free port found between ${SERVER_PORTS.first} and ${SERVER_PORTS.last}`);
}

function listenAndClose(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(port, REDIS_HOST, () => {
      const address = srv.address();
      const chosen = typeof address === 'object' && address ? address.port : port;
      srv.close(() => resolve(chosen));
    });
  });
}

function tlsConfig(tls: TlsMaterial, port?: number): string[] {
  return [
    ...(port ? [`tls-port ${port}`] : []),
    `tls-cert-file ${tls.certFile}`,
    `tls-key-file ${tls.keyFile}`,
    `tls-ca-cert-file ${tls.caFile}`,
    'tls-auth-clients no',
  ];
}

/** A CA, a server certificate for 127.0.0.1 and localhost signed by it, and an unrelated CA. */
async function makeTlsMaterial(dir: string): Promise<TlsMaterial> {
  const f = (name: string) => join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const newCa = (name: string) =>
    run('openssl', ['req', '-x509', ...ec, '-keyout', f(`${name}.key`), '-out', f(`${name}.crt`), '-days', '2', '-subj', `/CN=Rotor test ${name}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  await Promise.all([newCa('ca'), newCa('other-ca')]);
  await run('openssl', ['req', ...ec, '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=localhost']);
  await writeFile(f('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
  await run('openssl', ['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial',
    '-out', f('server.crt'), '-days', '2', '-extfile', f('server.ext')]);
  return {
    dir,
    caFile: f('ca.crt'),
    certFile: f('server.crt'),
    keyFile: f('server.key'),
    ca: await readFile(f('ca.crt'), 'utf8'),
    otherCa: await readFile(f('other-ca.crt'), 'utf8'),
  };
}

/** One child process that is ready when its output matches `ready`, and that stop() really ends. */
class ManagedProcess {
  private child: ChildProcess | null = null;

  constructor(
    private readonly command: string,
    private readonly args: string[],
    private readonly cwd: string,
    private readonly ready: RegExp,
  ) {}

  isRunning(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(timeoutMs = 15_000): Promise<void> {
    const child = spawn(this.command, this.args, { cwd: this.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    living.add(child);
    child.once('exit', () => living.delete(child));
    let output = '';
    return new Promise((resolve, reject) => {
      const fail = (why: string) => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new Error(`${this.command} ${this.args.join(' ')} ${why}:\n${output.slice(-2000)}`));
      };
      const timer = setTimeout(() => fail(`was not ready after ${timeoutMs} ms`), timeoutMs);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (this.ready.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code, signal) => fail(`exited (${code ?? signal}) before it was ready`));
      child.once('error', (e) => fail(`could not start (${e.message})`));
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}
