/**
 * The whole platform for end-to-end tests: the five services as separate Node processes
 * (exactly as `npm start` runs them), on their own ports and their own `_e2e` databases,
 * against the real Postgres and a real Kafka broker of their own (fresh data, port 19092),
 * so nothing a developer's running platform published can reach them. A service can be
 * killed (SIGKILL) and restarted in the middle of a test.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export const SERVICES = ['secret-store', 'redis-executor', 'rotation-config', 'rotation-scheduler', 'gateway'] as const;
export type Service = (typeof SERVICES)[number];

const ROOT = join(__dirname, '..', '..', '..');
const DATABASE = {
  gateway: 'rotor_gateway',
  'rotation-config': 'rotor_config',
  'rotation-scheduler': 'rotor_scheduler',
  'redis-executor': 'rotor_executor',
  'secret-store': 'rotor_secrets',
} satisfies Record<Service, string>;

export interface PlatformOptions {
  /** First of five consecutive ports. */
  basePort?: number;
  databaseSuffix?: string;
  extraEnv?: Record<string, string>;
}

export class Platform {
  readonly adminToken = randomBytes(32).toString('base64url');
  private readonly internalToken = randomBytes(32).toString('base64url');
  private readonly rootKey = randomBytes(32).toString('base64');
  private readonly processes = new Map<Service, ChildProcess>();
  private readonly basePort: number;
  private readonly kafkaPort = 19092;
  private readonly suffix: string;
  private readonly logDir = join(ROOT, 'tmp', 'e2e-logs');

  constructor(private readonly options: PlatformOptions = {}) {
    this.basePort = options.basePort ?? 18080;
    this.suffix = options.databaseSuffix ?? '_e2e';
    rmSync(this.logDir, { recursive: true, force: true });
    mkdirSync(this.logDir, { recursive: true });
  }

  port(service: Service): number {
    const order: Service[] = ['gateway', 'rotation-config', 'rotation-scheduler', 'redis-executor', 'secret-store'];
    return this.basePort + order.indexOf(service);
  }

  url(service: Service = 'gateway'): string {
    return `http://127.0.0.1:${this.port(service)}`;
  }

  /** A fresh single-node KRaft broker for this run, from the same script as `npm start`. */
  startKafka(): void {
    const kafkaHome = join(ROOT, 'tmp', 'e2e-kafka');
    const env = { ...process.env, KAFKA_HOME: kafkaHome, KAFKA_PORT: String(this.kafkaPort), KAFKA_CONTROLLER_PORT: String(this.kafkaPort + 1) };
    spawnSync('bash', ['tools/kafka/kafka.sh', 'down'], { cwd: ROOT, env, stdio: 'ignore' });
    rmSync(join(kafkaHome, 'data'), { recursive: true, force: true });
    // The jars are shared with the main broker's cache; only data and config are separate.
    mkdirSync(kafkaHome, { recursive: true });
    const up = spawnSync('bash', ['tools/kafka/kafka.sh', 'up'], { cwd: ROOT, env: { ...env, KAFKA_LIB: join(ROOT, '.kafka', 'lib') }, encoding: 'utf8' });
    if (up.status !== 0) throw new Error(`e2e Kafka broker did not start: ${up.stderr}`);
  }

  stopKafka(): void {
    const env = { ...process.env, KAFKA_HOME: join(ROOT, 'tmp', 'e2e-kafka'), KAFKA_PORT: String(this.kafkaPort) };
    spawnSync('bash', ['tools/kafka/kafka.sh', 'down'], { cwd: ROOT, env, stdio: 'ignore' });
  }

  /** Drops and re-creates the `_e2e` databases, then migrates them like `npm start` does. */
  resetDatabases(): void {
    for (const db of Object.values(DATABASE)) {
      spawnSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-q', '-c', `DROP DATABASE IF EXISTS ${db}${this.suffix} WITH (FORCE)`], { stdio: 'ignore' });
    }
    const migrated = spawnSync('node', ['-r', './tools/register.cjs', 'tools/migrate.ts'], {
      cwd: ROOT,
      env: { ...process.env, ROTOR_DATABASE_SUFFIX: this.suffix },
      encoding: 'utf8',
    });
    if (migrated.status !== 0) throw new Error(`migrations failed: ${migrated.stderr}`);
  }

  async startAll(): Promise<void> {
    for (const service of SERVICES) this.spawn(service);
    for (const service of SERVICES) await this.waitReady(service);
  }

  async restart(service: Service, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.stop(service, signal);
    await this.start(service);
  }

  async start(service: Service): Promise<void> {
    this.spawn(service);
    await this.waitReady(service);
  }

  async stop(service: Service, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.processes.get(service);
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    this.processes.delete(service);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.processes.keys()].map((s) => this.stop(s)));
  }

  /** Everything the services have logged in this run. */
  logs(): string {
    return SERVICES.map((s) => {
      try {
        return readFileSync(join(this.logDir, `${s}.log`), 'utf8');
      } catch {
        return '';
      }
    }).join('\n');
  }

  private env(service: Service): NodeJS.ProcessEnv {
    const db = `${DATABASE[service]}${this.suffix}`;
    return {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(this.port(service)),
      HOST: '127.0.0.1',
      DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${db}`,
      KAFKA_BROKERS: `127.0.0.1:${this.kafkaPort}`,
      ROTOR_ROOT_KEY: this.rootKey,
      ROTOR_INTERNAL_TOKEN: this.internalToken,
      ROTOR_ADMIN_TOKEN: this.adminToken,
      ROTATION_CONFIG_URL: this.url('rotation-config'),
      SECRET_STORE_URL: this.url('secret-store'),
      EXECUTOR_URL: this.url('redis-executor'),
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      ...this.options.extraEnv,
    };
  }

  private spawn(service: Service): void {
    const log = createWriteStream(join(this.logDir, `${service}.log`), { flags: 'a' });
    const child = spawn('node', ['-r', './tools/register.cjs', `apps/${service}/src/main.ts`], {
      cwd: ROOT,
      env: this.env(service),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    this.processes.set(service, child);
  }

  private async waitReady(service: Service, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const child = this.processes.get(service);
      if (!child || child.exitCode !== null) throw new Error(`${service} exited during start; see tmp/e2e-logs/${service}.log`);
      try {
        const res = await fetch(`${this.url(service)}/health/ready`);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`${service} not ready within ${timeoutMs} ms; see tmp/e2e-logs/${service}.log`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
