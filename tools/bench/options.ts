/** Command-line options of `npm run bench` (`npm run bench -- --smoke`, `-- --rotations 500`). */
import { parseArgs } from 'node:util';
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

/** The flags `npm run bench` takes (node:util parseArgs: `--flag value` or `--flag=value`; unknown ones refused). */
const FLAGS = {
  smoke: { type: 'boolean' },
  rotations: { type: 'string' },
  rate: { type: 'string' },
  'rate-seconds': { type: 'string' },
  'create-concurrency': { type: 'string' },
  'request-concurrency': { type: 'string' },
  'verify-concurrency': { type: 'string' },
  'timeout-ms': { type: 'string' },
  'base-port': { type: 'string' },
  'kafka-port': { type: 'string' },
  'database-suffix': { type: 'string' },
  'log-level': { type: 'string' },
  profile: { type: 'string' },
  'heap-snapshot': { type: 'string' },
  'ceiling-seconds': { type: 'string' },
  out: { type: 'string' },
  'pg-log-statements': { type: 'boolean' },
  env: { type: 'string', multiple: true },
  'audit-reads': { type: 'string' },
  'audit-read-concurrency': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

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
    // A smoke run has ports, databases and a broker of its own: it never disturbs a full run,
    // of its lane or another (lanes are 100 ports apart, so the two must not be).
    basePort: lanePort(smoke ? 28110 : 28080),
    kafkaPort: lanePort(smoke ? 29122 : 29092),
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
  let parsed: ReturnType<typeof parseArgs<{ options: typeof FLAGS; strict: true }>>['values'];
  try {
    parsed = parseArgs({ args: argv, options: FLAGS, strict: true }).values;
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${USAGE}`);
  }
  if (parsed.help) throw new Error(USAGE);
  const num = (flag: keyof typeof FLAGS, min = 0): number | undefined => {
    const v = parsed[flag];
    if (v === undefined) return undefined;
    const n = Number(v);
    if (typeof v !== 'string' || v === '' || !Number.isFinite(n) || n < min) throw new Error(`--${flag} needs a number ≥ ${min}, got "${String(v)}"\n${USAGE}`);
    return n;
  };
  const list = (flag: 'profile' | 'heap-snapshot') => (parsed[flag] ?? '').split(',').filter(Boolean) as Service[];
  o.rotations = Math.max(1, Math.floor(num('rotations') ?? o.rotations));
  o.rate = num('rate') ?? o.rate;
  o.rateSeconds = num('rate-seconds') ?? o.rateSeconds;
  o.createConcurrency = Math.max(1, num('create-concurrency') ?? o.createConcurrency);
  o.requestConcurrency = Math.max(1, num('request-concurrency') ?? o.requestConcurrency);
  o.verifyConcurrency = Math.max(1, num('verify-concurrency') ?? o.verifyConcurrency);
  o.rotationTimeoutMs = num('timeout-ms') ?? o.rotationTimeoutMs;
  o.basePort = num('base-port') ?? o.basePort;
  o.kafkaPort = num('kafka-port') ?? o.kafkaPort;
  if (parsed['database-suffix'] !== undefined) {
    if (!/^_[a-z0-9_]{1,20}$/.test(parsed['database-suffix'])) throw new Error(`--database-suffix must look like _bench\n${USAGE}`);
    o.databaseSuffix = parsed['database-suffix'];
  }
  o.logLevel = parsed['log-level'] ?? o.logLevel;
  if (parsed.profile !== undefined) o.profile = list('profile');
  if (parsed['heap-snapshot'] !== undefined) o.heapSnapshot = list('heap-snapshot');
  o.ceilingSeconds = num('ceiling-seconds') ?? o.ceilingSeconds;
  o.out = parsed.out ?? o.out;
  o.pgLogStatements = parsed['pg-log-statements'] ?? false;
  o.auditReads = Math.max(1, Math.floor(num('audit-reads') ?? o.auditReads));
  o.auditReadConcurrency = Math.max(1, Math.floor(num('audit-read-concurrency') ?? o.auditReadConcurrency));
  for (const pair of parsed.env ?? []) {
    const [key, ...rest] = pair.split('=');
    if (!key || rest.length === 0) throw new Error(`--env needs KEY=VALUE\n${USAGE}`);
    o.env[key] = rest.join('=');
  }
  return o;
}
