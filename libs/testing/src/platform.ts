/**
 * The whole platform for end-to-end tests: the six services as separate Node processes
 * (exactly as `npm start` runs them), on their own ports and their own `_e2e` databases,
 * against the real Postgres and a real Kafka broker of their own (fresh data, port 19092;
 * each Jest worker past the first moves ports by 1000 and names by `_w<N>`),
 * so nothing a developer's running platform published can reach them. The options move all
 * of that (ports, database suffix, broker, log directory), so a benchmark or a chaos run can
 * have a platform of its own beside the end-to-end suite's. A service can be
 * killed (SIGKILL) and restarted in the middle of a test.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from '@rotor/util';
import { testWorker, workerPort, workerSuffix } from './lane';

export const SERVICES = ['secret-store', 'redis-executor', 'rotation-config', 'rotation-scheduler', 'gateway', 'alerts'] as const;
export type Service = (typeof SERVICES)[number];

const ROOT = join(__dirname, '..', '..', '..');

/**
 * V8 heap sizing every service runs with (as in tools/start.sh and the Dockerfile): a small
 * young generation and an old generation capped at about four times what a service keeps
 * live (~50 MB), so a busy service collects its garbage instead of growing past 200 MB.
 */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=4', '--max-old-space-size=192'];
const DATABASE = {
  gateway: 'rotor_gateway',
  'rotation-config': 'rotor_config',
  'rotation-scheduler': 'rotor_scheduler',
  'redis-executor': 'rotor_executor',
  'secret-store': 'rotor_secrets',
  alerts: 'rotor_alerts',
} satisfies Record<Service, string>;

export interface PlatformOptions {
  /** First of six consecutive ports (alerts takes the last). */
  basePort?: number;
  databaseSuffix?: string;
  extraEnv?: Record<string, string>;
  /** Port of this platform's own Kafka broker (default 19092; the controller takes the next one). */
  kafkaPort?: number;
  /**
   * Kafka nodes (default 1). 3 starts a KRaft cluster (replication factor 3, min.insync.replicas
   * 2): node i listens on kafkaPort + 2(i-1), its controller on the port after it.
   */
  brokers?: number;
  /** Data and config of that broker (default tmp/e2e-kafka). */
  kafkaHome?: string;
  /** Where the services' logs go; emptied by the constructor (default tmp/e2e-logs). */
  logDir?: string;
  /** Extra `node` flags per service, e.g. `{ 'redis-executor': ['--cpu-prof'] }` to profile one. */
  nodeArgs?: Partial<Record<Service, string[]>>;
  /** How long a service may take to answer /health/ready after it is spawned (default 120 s: two platforms may start at once). */
  readyTimeoutMs?: number;
  /**
   * Instances of every service (default 1). Instance i (1-based) of a service listens on its
   * port + 20 × (i − 1) and logs to `<service>-<i>.log`; every service is told all instances of
   * the ones it calls (comma-separated URLs), as a deployment behind no load balancer would.
   */
  instances?: number;
  /**
   * The tokens and root key of a platform that is already running (see `describe()`), to act on
   * it from another test file: its logs are kept, and it is not started or stopped from here.
   */
  attachTo?: PlatformSecrets;
}

/** What a test needs, besides its options, to talk to a running platform. */
export interface PlatformSecrets {
  adminToken: string;
  internalToken: string;
  rootKey: string;
}

/** Which instance of a service (1-based; instance 1 is the one the single-instance methods mean). */
export type Instance = number;

export class Platform {
  readonly adminToken: string;
  private readonly internalToken: string;
  private readonly rootKey: string;
  private readonly processes = new Map<string, ChildProcess>();
  private readonly basePort: number;
  private readonly kafkaPort: number;
  private readonly kafkaHome: string;
  private readonly suffix: string;
  private readonly logDir: string;

  constructor(private readonly options: PlatformOptions = {}) {
    // The defaults belong to this lane and this Jest worker: the end-to-end suite runs two
    // files at once, each with a platform of its own.
    const worker = testWorker() === 1 ? '' : `-w${testWorker()}`;
    this.basePort = options.basePort ?? workerPort(18080);
    this.suffix = options.databaseSuffix ?? workerSuffix('_e2e');
    this.kafkaPort = options.kafkaPort ?? workerPort(19092);
    this.kafkaHome = options.kafkaHome ?? join(ROOT, 'tmp', `e2e-kafka${worker}`);
    this.logDir = options.logDir ?? join(ROOT, 'tmp', `e2e-logs${worker}`);
    this.adminToken = options.attachTo?.adminToken ?? randomBytes(32).toString('base64url');
    this.internalToken = options.attachTo?.internalToken ?? randomBytes(32).toString('base64url');
    this.rootKey = options.attachTo?.rootKey ?? randomBytes(32).toString('base64');
    if (!options.attachTo) rmSync(this.logDir, { recursive: true, force: true });
    mkdirSync(this.logDir, { recursive: true });
  }

  /**
   * Options and secrets that let `new Platform({ ...options, attachTo: secrets })` act on this
   * running platform from elsewhere (another test file of the same Jest worker).
   */
  describe(): { options: PlatformOptions; secrets: PlatformSecrets } {
    const { attachTo: _attached, ...options } = this.options;
    return {
      options: { ...options, basePort: this.basePort, kafkaPort: this.kafkaPort, kafkaHome: this.kafkaHome, databaseSuffix: this.suffix, logDir: this.logDir },
      secrets: { adminToken: this.adminToken, internalToken: this.internalToken, rootKey: this.rootKey },
    };
  }

  /**
   * Lets this process exit while the services go on running (a shared platform, stopped by
   * whoever reads its `describe()` later); they log straight to their files, not through us.
   */
  release(): void {
    for (const child of this.processes.values()) child.unref();
  }

  /** Whether every service instance answers /health/ready now. */
  async isReady(): Promise<boolean> {
    for (const instance of this.instanceNumbers()) {
      for (const service of SERVICES) {
        try {
          if (!(await fetch(`${this.url(service, instance)}/health/ready`)).ok) return false;
        } catch {
          return false;
        }
      }
    }
    return true;
  }

  port(service: Service, instance: Instance = 1): number {
    const order: Service[] = ['gateway', 'rotation-config', 'rotation-scheduler', 'redis-executor', 'secret-store', 'alerts'];
    return this.basePort + order.indexOf(service) + 20 * (instance - 1);
  }

  url(service: Service = 'gateway', instance: Instance = 1): string {
    return `http://127.0.0.1:${this.port(service, instance)}`;
  }

  /** Every instance's base URL of a service, instance 1 first. */
  urls(service: Service = 'gateway'): string[] {
    return this.instanceNumbers().map((i) => this.url(service, i));
  }

  instanceCount(): number {
    return this.options.instances ?? 1;
  }

  /** 1…instanceCount(). */
  instanceNumbers(): Instance[] {
    return Array.from({ length: this.instanceCount() }, (_, i) => i + 1);
  }

  /** `host:port[,host:port…]` of this platform's Kafka broker(s), as KAFKA_BROKERS takes them. */
  kafkaBroker(): string {
    return this.kafkaBrokers().join(',');
  }

  kafkaBrokers(): string[] {
    return Array.from({ length: this.brokerCount() }, (_, i) => `127.0.0.1:${this.kafkaPort + 2 * i}`);
  }

  brokerCount(): number {
    return this.options.brokers ?? 1;
  }

  /** Process id of a running service instance (undefined when it is not running). */
  pid(service: Service, instance: Instance = 1): number | undefined {
    const child = this.processes.get(key(service, instance));
    return child && child.exitCode === null ? child.pid : undefined;
  }

  /** Process id of Kafka node `node` (1-based), from its pid file (undefined when not running). */
  kafkaPid(node = 1): number | undefined {
    const dir = this.brokerCount() === 1 ? this.kafkaHome : join(this.kafkaHome, `node-${node}`);
    try {
      const pid = Number(readFileSync(join(dir, 'broker.pid'), 'utf8').trim());
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  /** The Postgres databases of this platform's services (with the suffix). */
  databaseNames(): string[] {
    return Object.values(DATABASE).map((db) => `${db}${this.suffix}`);
  }

  /** Name of a service's database in this run (e.g. rotor_secrets_e2e). */
  database(service: Service): string {
    return `${DATABASE[service]}${this.suffix}`;
  }

  /** A fresh single-node KRaft broker for this run, from the same script as `npm start`. */
  startKafka(): void {
    this.kafkaScript('down');
    this.removeKafkaData();
    // The jars are shared with the main broker's cache; only data and config are separate.
    mkdirSync(this.kafkaHome, { recursive: true });
    this.kafkaUp();
  }

  /** Every node's data (a single node keeps it in data/, a cluster's nodes in node-<i>/). */
  private removeKafkaData(): void {
    rmSync(join(this.kafkaHome, 'data'), { recursive: true, force: true });
    for (let i = 1; i <= this.brokerCount(); i++) rmSync(join(this.kafkaHome, `node-${i}`), { recursive: true, force: true });
  }

  /**
   * Stops the broker (gracefully, as kafka.sh does) and starts it again on the same data.
   * Asynchronous, unlike startKafka, so the caller's own work (a probe) goes on meanwhile.
   */
  async restartKafka(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const child = spawn('bash', ['-c', 'bash tools/kafka/kafka.sh down && bash tools/kafka/kafka.sh up'], {
        cwd: ROOT,
        env: this.kafkaEnv(),
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.once('error', reject);
      child.once('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`Kafka broker on port ${this.kafkaPort} did not restart: ${stderr}`)),
      );
    });
  }

  stopKafka(): void {
    this.kafkaScript('down');
  }

  /** Kills Kafka node `node` (1-based) of a cluster with SIGKILL; the others go on serving. */
  killBroker(node: number): void {
    this.stopNode(node, 'kill');
  }

  /**
   * Stops Kafka node `node` (1-based) of a cluster with SIGTERM: a controlled shutdown, which
   * hands the partitions it leads to other nodes before it exits.
   */
  stopBroker(node: number): void {
    this.stopNode(node, 'term');
  }

  private stopNode(node: number, how: 'kill' | 'term'): void {
    const stopped = spawnSync('bash', ['tools/kafka/kafka.sh', 'stop-node', String(node), how], { cwd: ROOT, env: this.kafkaEnv(), encoding: 'utf8' });
    if (stopped.status !== 0) throw new Error(`Kafka node ${node} did not stop: ${stopped.stderr}`);
  }

  /** Starts Kafka node `node` again on its data and waits until the cluster lists it. */
  async startBroker(node: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const child = spawn('bash', ['tools/kafka/kafka.sh', 'start-node', String(node)], { cwd: ROOT, env: this.kafkaEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`Kafka node ${node} did not start: ${stderr}`))));
    });
  }

  private kafkaUp(): void {
    const up = this.kafkaScript('up');
    if (up.status !== 0) throw new Error(`Kafka broker on port ${this.kafkaPort} did not start: ${up.stderr}`);
  }

  private kafkaScript(command: 'up' | 'down') {
    return spawnSync('bash', ['tools/kafka/kafka.sh', command], { cwd: ROOT, env: this.kafkaEnv(), encoding: 'utf8' });
  }

  private kafkaEnv(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      KAFKA_HOME: this.kafkaHome,
      KAFKA_PORT: String(this.kafkaPort),
      KAFKA_CONTROLLER_PORT: String(this.kafkaPort + 1),
      KAFKA_NODES: String(this.brokerCount()),
      KAFKA_LIB: join(ROOT, '.kafka', 'lib'),
    };
  }

  /**
   * startKafka() and resetDatabases() at the same time, in child processes (the broker's start
   * and the migrations each take seconds).
   */
  async prepare(): Promise<void> {
    const run = (command: string, args: string[], env: NodeJS.ProcessEnv, what: string) =>
      new Promise<void>((resolve, reject) => {
        const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.once('error', reject);
        child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${what}: ${stderr}`))));
      });
    // Fresh data, as startKafka(); KAFKA_HOME comes from kafkaEnv().
    const kafka = 'bash tools/kafka/kafka.sh down && rm -rf "$KAFKA_HOME/data" "$KAFKA_HOME"/node-* && mkdir -p "$KAFKA_HOME" && bash tools/kafka/kafka.sh up';
    // Both settle before a failure is thrown: a broker still starting when the caller gives up
    // would come up after its stopKafka() and outlive the run.
    const settled = await Promise.allSettled([
      run('bash', ['-c', kafka], this.kafkaEnv(), `Kafka broker on port ${this.kafkaPort} did not start`),
      (async () => {
        for (const service of SERVICES) {
          await run('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-q', '-c', `DROP DATABASE IF EXISTS ${this.database(service)} WITH (FORCE)`], process.env, 'drop database')
            .catch(() => undefined);
        }
        await run('node', ['-r', './tools/register.cjs', 'tools/migrate.ts'], { ...process.env, ROTOR_DATABASE_SUFFIX: this.suffix }, 'migrations failed');
      })(),
    ]);
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Drops and re-creates this run's databases (suffix `_e2e` by default), then migrates them like `npm start` does. */
  resetDatabases(): void {
    for (const service of SERVICES) {
      spawnSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-q', '-c', `DROP DATABASE IF EXISTS ${this.database(service)} WITH (FORCE)`], { stdio: 'ignore' });
    }
    const migrated = spawnSync('node', ['-r', './tools/register.cjs', 'tools/migrate.ts'], {
      cwd: ROOT,
      env: { ...process.env, ROTOR_DATABASE_SUFFIX: this.suffix },
      encoding: 'utf8',
    });
    if (migrated.status !== 0) throw new Error(`migrations failed: ${migrated.stderr}`);
  }

  async startAll(): Promise<void> {
    for (const instance of this.instanceNumbers()) for (const service of SERVICES) this.spawn(service, {}, instance);
    for (const instance of this.instanceNumbers()) for (const service of SERVICES) await this.waitReady(service, instance);
  }

  async restart(service: Service, signal: NodeJS.Signals = 'SIGKILL', instance: Instance = 1): Promise<void> {
    await this.stop(service, signal, instance);
    await this.start(service, {}, instance);
  }

  /** `env`: variables for this start of the service only (e.g. to measure a setting both ways). */
  async start(service: Service, env: Record<string, string> = {}, instance: Instance = 1): Promise<void> {
    this.spawn(service, env, instance);
    await this.waitReady(service, instance);
  }

  async stop(service: Service, signal: NodeJS.Signals = 'SIGTERM', instance: Instance = 1): Promise<void> {
    const id = key(service, instance);
    const child = this.processes.get(id);
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    this.processes.delete(id);
  }

  /** Whether the service instance's process is alive (it may still be starting). */
  isRunning(service: Service, instance: Instance = 1): boolean {
    const child = this.processes.get(key(service, instance));
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.instanceNumbers().flatMap((i) => SERVICES.map((s) => this.stop(s, 'SIGTERM', i))));
  }

  /** Where an instance's output goes: `<service>.log` for instance 1, `<service>-<i>.log` for the others. */
  logFile(service: Service, instance: Instance = 1): string {
    return join(this.logDir, instance === 1 ? `${service}.log` : `${service}-${instance}.log`);
  }

  /** Everything the services have logged in this run. */
  logs(): string {
    return this.instanceNumbers()
      .flatMap((i) => SERVICES.map((s) => this.logFile(s, i)))
      .map((file) => {
        try {
          return readFileSync(file, 'utf8');
        } catch {
          return '';
        }
      })
      .join('\n');
  }

  private env(service: Service, instance: Instance): NodeJS.ProcessEnv {
    const db = this.database(service);
    return {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(this.port(service, instance)),
      HOST: '127.0.0.1',
      DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${db}`,
      KAFKA_BROKERS: this.kafkaBroker(),
      ROTOR_ROOT_KEY: this.rootKey,
      ROTOR_INTERNAL_TOKEN: this.internalToken,
      ROTOR_ADMIN_TOKEN: this.adminToken,
      ROTATION_CONFIG_URL: this.urls('rotation-config').join(','),
      SECRET_STORE_URL: this.urls('secret-store').join(','),
      ALERTS_URL: this.urls('alerts').join(','),
      EXECUTOR_URL: this.url('redis-executor'),
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      ...this.options.extraEnv,
    };
  }

  private spawn(service: Service, env: Record<string, string>, instance: Instance): void {
    // Straight into the log file, not through a pipe of this process: a service outlives the
    // test file that started it when it belongs to a shared platform (shared-platform.ts).
    const log = openSync(this.logFile(service, instance), 'a');
    try {
      const child = spawn('node', [...SERVICE_NODE_FLAGS, ...(this.options.nodeArgs?.[service] ?? []), '-r', './tools/register.cjs', `apps/${service}/src/main.ts`], {
        cwd: ROOT,
        env: { ...this.env(service, instance), ...env },
        stdio: ['ignore', log, log],
      });
      this.processes.set(key(service, instance), child);
    } finally {
      closeSync(log);
    }
  }

  private async waitReady(service: Service, instance: Instance, timeoutMs = this.options.readyTimeoutMs ?? 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const child = this.processes.get(key(service, instance));
      if (!child || child.exitCode !== null) throw new Error(`${service} exited during start; see ${this.logFile(service, instance)}`);
      try {
        const res = await fetch(`${this.url(service, instance)}/health/ready`);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`${service} not ready within ${timeoutMs} ms; see ${this.logFile(service, instance)}`);
      await sleep(250);
    }
  }
}

function key(service: Service, instance: Instance): string {
  return `${service}#${instance}`;
}
