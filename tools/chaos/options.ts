/** Command-line options of `npm run chaos`, with the full run's and the smoke run's defaults. */
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

export function parseOptions(argv: string[]): ChaosOptions {
  const smoke = argv.includes('--smoke');
  const o: ChaosOptions = smoke
    ? {
        smoke, rotations: 30, configs: 8, kills: 5, longOutages: 0, kafkaRestarts: 1, redisRestarts: 1, usersLostRestarts: 1,
        verifyIntervalSeconds: 5, healSeconds: 30, restartPostgres: false, churn: 1,
        probeIntervalMs: 10, requestRate: 6, leaseSeconds: 30, seed: Date.now() % 1_000_000, basePort: lanePort(24180),
        kafkaPort: lanePort(24192), databaseSuffix: laneSuffix('_chaos_smoke'), instances: 1, brokers: 1, brokerKills: 0, maxMinutes: 6, reportFile: 'tmp/chaos-smoke-report.json',
      }
    : {
        smoke, rotations: 1000, configs: 30, kills: 25, longOutages: 1, kafkaRestarts: 2, redisRestarts: 2, usersLostRestarts: 2,
        verifyIntervalSeconds: 10, healSeconds: 60, restartPostgres: true, churn: 4,
        probeIntervalMs: 10, requestRate: 12, leaseSeconds: 60, seed: Date.now() % 1_000_000, basePort: lanePort(24080),
        kafkaPort: lanePort(24092), databaseSuffix: laneSuffix('_chaos'), instances: 1, brokers: 1, brokerKills: 0, maxMinutes: 45, reportFile: 'tmp/chaos-report.json',
      };
  const int = (flag: string, value: string | undefined, min: number): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new Error(`${flag} needs a whole number >= ${min}, got "${value ?? ''}"\n${USAGE}`);
    return n;
  };
  let brokerKillsGiven = false;
  let kafkaRestartsGiven = false;
  let maxMinutesGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const next = () => argv[++i];
    switch (flag) {
      case '--smoke': break;
      case '--rotations': o.rotations = int(flag, next(), 1); break;
      case '--configs': o.configs = int(flag, next(), 1); break;
      case '--kills': o.kills = int(flag, next(), 0); break;
      case '--long-outages': o.longOutages = int(flag, next(), 0); break;
      case '--kafka-restarts': o.kafkaRestarts = int(flag, next(), 0); kafkaRestartsGiven = true; break;
      case '--redis-restarts': o.redisRestarts = int(flag, next(), 0); break;
      case '--users-lost-restarts': o.usersLostRestarts = int(flag, next(), 0); break;
      case '--verify-interval-seconds': o.verifyIntervalSeconds = int(flag, next(), 1); break;
      case '--heal-seconds': o.healSeconds = int(flag, next(), 1); break;
      case '--restart-postgres': o.restartPostgres = true; break;
      case '--no-restart-postgres': o.restartPostgres = false; break;
      case '--churn': o.churn = int(flag, next(), 0); break;
      case '--probe-interval-ms': o.probeIntervalMs = int(flag, next(), 0); break;
      case '--request-rate': o.requestRate = int(flag, next(), 1); break;
      case '--lease-seconds': o.leaseSeconds = int(flag, next(), 5); break;
      case '--seed': o.seed = int(flag, next(), 0); break;
      case '--base-port': o.basePort = int(flag, next(), 1024); break;
      case '--kafka-port': o.kafkaPort = int(flag, next(), 1024); break;
      case '--database-suffix': {
        const s = next() ?? '';
        if (!/^_[a-z0-9_]{1,20}$/.test(s)) throw new Error(`--database-suffix must look like _chaos, got "${s}"`);
        o.databaseSuffix = s;
        break;
      }
      case '--instances': o.instances = int(flag, next(), 1); break;
      case '--brokers': o.brokers = int(flag, next(), 1); break;
      case '--broker-kills': o.brokerKills = int(flag, next(), 0); brokerKillsGiven = true; break;
      case '--max-minutes': o.maxMinutes = int(flag, next(), 1); maxMinutesGiven = true; break;
      case '--report': o.reportFile = next() ?? o.reportFile; break;
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option "${flag}"\n${USAGE}`);
    }
  }
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
