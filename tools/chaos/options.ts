/** Command-line options of `npm run chaos`, with the full run's and the smoke run's defaults. */
import { parseArgs } from 'node:util';
import { lanePort, laneSuffix } from '@rotor/testing';
export interface ChaosOptions {
  smoke: boolean;
  /** Manual rotation requests to get accepted (scheduled ones come on top). */
  rotations: number;
  /** Rotation configurations, each with its own mapped secrets path. */
  configs: number;
  /** kill -9 of a service, each followed by a restart; every service gets at least two (one in a smoke run). */
  kills: number;
  /** Kills of the secret-store that outlast the rotation lease (on top of `kills`). */
  longOutages: number;
  kafkaRestarts: number;
  redisRestarts: number;
  /** Restarts of redis-server that lose Rotor's users ("Redis restarted without its users"). */
  usersLostRestarts: number;
  /** ROTOR_VERIFY_INTERVAL_SECONDS of the platform: the longest a served credential goes unchecked. */
  verifyIntervalSeconds: number;
  /** How long a heal may take once the loss is noticed; a served credential broken longer than interval + this is a violation. */
  healSeconds: number;
  restartPostgres: boolean;
  /** Rotations deleted (with revocation) and created again during the run. */
  churn: number;
  /** Pause of each rotation's probe between two reads. */
  probeIntervalMs: number;
  /** Manual requests per second at most. */
  requestRate: number;
  /** ROTOR_ROTATION_LEASE_SECONDS of the platform: how soon a silent job is declared failed. */
  leaseSeconds: number;
  seed: number;
  basePort: number;
  kafkaPort: number;
  databaseSuffix: string;
  /** Instances of every service (1–4); faults kill one instance at a time. */
  instances: number;
  /** Kafka nodes: 1, or a 3-node KRaft cluster (replication factor 3, min.insync.replicas 2). */
  brokers: number;
  /** kill -9 of one Kafka node of a cluster, started again after a while (the others keep serving). */
  brokerKills: number;
  /** Hard limit of the whole run; past it the run stops and fails. */
  maxMinutes: number;
  /** Where the JSON report goes (relative to the repository). */
  reportFile: string;
}

const USAGE = `usage: npm run chaos -- [--smoke] [--rotations N] [--configs N] [--kills N] [--long-outages N] [--kafka-restarts N]
  [--redis-restarts N] [--users-lost-restarts N] [--verify-interval-seconds N] [--heal-seconds N] [--restart-postgres | --no-restart-postgres] [--churn N] [--probe-interval-ms N]
  [--request-rate N] [--lease-seconds N] [--seed N] [--base-port N] [--kafka-port N] [--database-suffix S]
  [--instances N] [--brokers 1|3] [--broker-kills N] [--max-minutes N] [--report FILE]`;

/** The flags `npm run chaos` takes (node:util parseArgs: `--flag value` or `--flag=value`; unknown ones refused). */
const FLAGS = {
  smoke: { type: 'boolean' },
  rotations: { type: 'string' },
  configs: { type: 'string' },
  kills: { type: 'string' },
  'long-outages': { type: 'string' },
  'kafka-restarts': { type: 'string' },
  'redis-restarts': { type: 'string' },
  'users-lost-restarts': { type: 'string' },
  'verify-interval-seconds': { type: 'string' },
  'heal-seconds': { type: 'string' },
  'restart-postgres': { type: 'boolean' },
  'no-restart-postgres': { type: 'boolean' },
  churn: { type: 'string' },
  'probe-interval-ms': { type: 'string' },
  'request-rate': { type: 'string' },
  'lease-seconds': { type: 'string' },
  seed: { type: 'string' },
  'base-port': { type: 'string' },
  'kafka-port': { type: 'string' },
  'database-suffix': { type: 'string' },
  instances: { type: 'string' },
  brokers: { type: 'string' },
  'broker-kills': { type: 'string' },
  'max-minutes': { type: 'string' },
  report: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function parseOptions(argv: string[]): ChaosOptions {
  const smoke = argv.includes('--smoke');
  // Ports: a full run from 24080, a smoke from 24110, the end-to-end suite's scaled smoke from
  // 24140; each spans at most 26 (a second instance 20 above, a 3-node broker from base + 12).
  // Lanes are 100 apart, so no run of one lane takes another lane's ports.
  const o: ChaosOptions = smoke
    ? {
        smoke, rotations: 30, configs: 8, kills: 5, longOutages: 0, kafkaRestarts: 1, redisRestarts: 1, usersLostRestarts: 1,
        verifyIntervalSeconds: 5, healSeconds: 30, restartPostgres: false, churn: 1,
        probeIntervalMs: 10, requestRate: 6, leaseSeconds: 30, seed: Date.now() % 1_000_000, basePort: lanePort(24110),
        kafkaPort: lanePort(24122), databaseSuffix: laneSuffix('_chaos_smoke'), instances: 1, brokers: 1, brokerKills: 0, maxMinutes: 6, reportFile: 'tmp/chaos-smoke-report.json',
      }
    : {
        smoke, rotations: 1000, configs: 30, kills: 25, longOutages: 1, kafkaRestarts: 2, redisRestarts: 2, usersLostRestarts: 2,
        verifyIntervalSeconds: 10, healSeconds: 60, restartPostgres: true, churn: 4,
        probeIntervalMs: 10, requestRate: 12, leaseSeconds: 60, seed: Date.now() % 1_000_000, basePort: lanePort(24080),
        kafkaPort: lanePort(24092), databaseSuffix: laneSuffix('_chaos'), instances: 1, brokers: 1, brokerKills: 0, maxMinutes: 45, reportFile: 'tmp/chaos-report.json',
      };
  let v: ReturnType<typeof parseArgs<{ options: typeof FLAGS; strict: true }>>['values'];
  try {
    v = parseArgs({ args: argv, options: FLAGS, strict: true }).values;
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${USAGE}`);
  }
  if (v.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const int = (flag: keyof typeof FLAGS, fallback: number, min: number): number => {
    const value = v[flag];
    if (value === undefined) return fallback;
    const n = Number(value);
    if (typeof value !== 'string' || value === '' || !Number.isInteger(n) || n < min) {
      throw new Error(`--${flag} needs a whole number >= ${min}, got "${String(value)}"\n${USAGE}`);
    }
    return n;
  };
  o.rotations = int('rotations', o.rotations, 1);
  o.configs = int('configs', o.configs, 1);
  o.kills = int('kills', o.kills, 0);
  o.longOutages = int('long-outages', o.longOutages, 0);
  o.kafkaRestarts = int('kafka-restarts', o.kafkaRestarts, 0);
  o.redisRestarts = int('redis-restarts', o.redisRestarts, 0);
  o.usersLostRestarts = int('users-lost-restarts', o.usersLostRestarts, 0);
  o.verifyIntervalSeconds = int('verify-interval-seconds', o.verifyIntervalSeconds, 1);
  o.healSeconds = int('heal-seconds', o.healSeconds, 1);
  if (v['restart-postgres']) o.restartPostgres = true;
  if (v['no-restart-postgres']) o.restartPostgres = false;
  o.churn = int('churn', o.churn, 0);
  o.probeIntervalMs = int('probe-interval-ms', o.probeIntervalMs, 0);
  o.requestRate = int('request-rate', o.requestRate, 1);
  o.leaseSeconds = int('lease-seconds', o.leaseSeconds, 5);
  o.seed = int('seed', o.seed, 0);
  o.basePort = int('base-port', o.basePort, 1024);
  o.kafkaPort = int('kafka-port', o.kafkaPort, 1024);
  if (v['database-suffix'] !== undefined) {
    if (!/^_[a-z0-9_]{1,20}$/.test(v['database-suffix'])) throw new Error(`--database-suffix must look like _chaos, got "${v['database-suffix']}"`);
    o.databaseSuffix = v['database-suffix'];
  }
  o.instances = int('instances', o.instances, 1);
  o.brokers = int('brokers', o.brokers, 1);
  o.brokerKills = int('broker-kills', o.brokerKills, 0);
  o.maxMinutes = int('max-minutes', o.maxMinutes, 1);
  o.reportFile = v.report ?? o.reportFile;
  const brokerKillsGiven = v['broker-kills'] !== undefined;
  const kafkaRestartsGiven = v['kafka-restarts'] !== undefined;
  const maxMinutesGiven = v['max-minutes'] !== undefined;
  if (o.instances > 4) throw new Error(`--instances takes 1 to 4, got ${o.instances}\n${USAGE}`);
  if (o.brokers !== 1 && o.brokers !== 3) throw new Error(`--brokers takes 1 or 3, got ${o.brokers}\n${USAGE}`);
  if (o.brokerKills > 0 && o.brokers === 1) throw new Error(`--broker-kills needs a cluster (--brokers 3): a single broker's restart is --kafka-restarts\n${USAGE}`);
  // A cluster is there to lose a node: by default a run kills one (two in a full run).
  if (!brokerKillsGiven && o.brokers === 3) o.brokerKills = o.smoke ? 1 : 2;
  // A smoke run on a cluster kills a node instead of restarting all three (a minute or more).
  if (!kafkaRestartsGiven && o.smoke && o.brokers === 3) o.kafkaRestarts = 0;
  // Twelve service processes and three brokers take longer to start and settle.
  if (!maxMinutesGiven && o.smoke && (o.instances > 1 || o.brokers > 1)) o.maxMinutes = 12;
  return o;
}
