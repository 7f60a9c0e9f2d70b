/** Command-line options of `npm run bench` (`npm run bench -- --smoke`, `-- --rotations 500`). */
import { lanePort, laneSuffix, type Service } from '@rotor/testing';

export interface BenchOptions {
  smoke: boolean;
  rotations: number;
  /** Fixed-rate phase: rotations requested per second, and for how long (0 s: skipped). */
  rate: number;
  rateSeconds: number;
  createConcurrency: number;
  requestConcurrency: number;
  verifyConcurrency: number;
  /** Give up on a rotation after this long. */
  rotationTimeoutMs: number;
  basePort: number;
  kafkaPort: number;
  /** Suffix of the platform's databases (default _bench). */
  databaseSuffix: string;
  logLevel: string;
  /** Run these services under `node --cpu-prof` (profiles land in tmp/bench/profiles). */
  profile: Service[];
  ceilingSeconds: number;
  kafkaRoundTrips: number;
  kafkaMessages: number;
  out: string;
  /** Log every statement of the _bench databases to the Postgres server log (a diagnostic; slows Postgres). */
  pgLogStatements: boolean;
  /** More environment for the services (`--env KEY=VALUE`, repeatable), for experiments. */
  env: Record<string, string>;
  /** Services that write a V8 heap snapshot (into tmp/bench/profiles) right after the burst. */
  heapSnapshot: Service[];
  /** Audit-cost phase: secret reads per burst (each burst runs audited, then not), and how many in flight. */
  auditReads: number;
  auditReadConcurrency: number;
}

const USAGE = `usage: npm run bench -- [--smoke] [--rotations N] [--rate R] [--rate-seconds S]
  [--create-concurrency N] [--request-concurrency N] [--verify-concurrency N] [--timeout-ms MS]
  [--base-port P] [--kafka-port P] [--database-suffix _bench] [--log-level info|warn] [--profile service[,service]] [--heap-snapshot service[,service]] [--out DIR]
  [--pg-log-statements] [--env KEY=VALUE ...] [--audit-reads N] [--audit-read-concurrency N]`;

export function parseOptions(argv: string[]): BenchOptions {
  const smoke = argv.includes('--smoke');
  const o: BenchOptions = {
    smoke,
    rotations: smoke ? 20 : 2000,
    rate: smoke ? 10 : 50,
    rateSeconds: smoke ? 2 : 30,
    createConcurrency: 16,
    requestConcurrency: 64,
    verifyConcurrency: 16,
    rotationTimeoutMs: 120_000,
    // A smoke run has ports, databases and a broker of its own: it never disturbs a full run.
    basePort: lanePort(smoke ? 28180 : 28080),
    kafkaPort: lanePort(smoke ? 29192 : 29092),
    databaseSuffix: laneSuffix(smoke ? '_bench_smoke' : '_bench'),
    logLevel: 'info',
    profile: [],
    ceilingSeconds: smoke ? 1 : 3,
    kafkaRoundTrips: smoke ? 50 : 300,
    kafkaMessages: smoke ? 2000 : 20_000,
    out: 'tmp/bench',
    pgLogStatements: false,
    env: {},
    heapSnapshot: [],
    auditReads: smoke ? 100 : 5000,
    auditReadConcurrency: 16,
  };
  const num = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n < 0) throw new Error(`${flag} needs a number ≥ 0\n${USAGE}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => argv[++i];
    switch (flag) {
      case '--smoke': break;
      case '--rotations': o.rotations = Math.max(1, Math.floor(num(flag, value()))); break;
      case '--rate': o.rate = num(flag, value()); break;
      case '--rate-seconds': o.rateSeconds = num(flag, value()); break;
      case '--create-concurrency': o.createConcurrency = Math.max(1, num(flag, value())); break;
      case '--request-concurrency': o.requestConcurrency = Math.max(1, num(flag, value())); break;
      case '--verify-concurrency': o.verifyConcurrency = Math.max(1, num(flag, value())); break;
      case '--timeout-ms': o.rotationTimeoutMs = num(flag, value()); break;
      case '--base-port': o.basePort = num(flag, value()); break;
      case '--kafka-port': o.kafkaPort = num(flag, value()); break;
      case '--database-suffix': {
        const suffix = value() ?? '';
        if (!/^_[a-z0-9_]{1,20}$/.test(suffix)) throw new Error(`--database-suffix must look like _bench\n${USAGE}`);
        o.databaseSuffix = suffix;
        break;
      }
      case '--log-level': o.logLevel = value() ?? 'info'; break;
      case '--profile': o.profile = (value() ?? '').split(',').filter(Boolean) as Service[]; break;
      case '--heap-snapshot': o.heapSnapshot = (value() ?? '').split(',').filter(Boolean) as Service[]; break;
      case '--ceiling-seconds': o.ceilingSeconds = num(flag, value()); break;
      case '--out': o.out = value() ?? o.out; break;
      case '--pg-log-statements': o.pgLogStatements = true; break;
      case '--audit-reads': o.auditReads = Math.max(1, Math.floor(num(flag, value()))); break;
      case '--audit-read-concurrency': o.auditReadConcurrency = Math.max(1, Math.floor(num(flag, value()))); break;
      case '--env': {
        const [key, ...rest] = (value() ?? '').split('=');
        if (!key || rest.length === 0) throw new Error(`--env needs KEY=VALUE\n${USAGE}`);
        o.env[key] = rest.join('=');
        break;
      }
      case '--help': case '-h': throw new Error(USAGE);
      default: throw new Error(`unknown option ${flag}\n${USAGE}`);
    }
  }
  return o;
}
