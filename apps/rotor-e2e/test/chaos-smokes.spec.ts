/**
 * Both chaos smokes in one file, so they run one after the other and never at once: together
 * they are eighteen service processes and four brokers against one Postgres, which is more
 * connections and CPU than a 2-core CI machine should hold beside another test file.
 */
import { lanePort, laneSuffix } from '@rotor/testing';
import { runChaos } from './support/chaos';

interface ChaosResult {
  ok: boolean;
  rotationsAccepted: number;
  jobs: { requested: number; completed: number; failed: number; endedByDelete: number };
  killsTotal: number;
  kafkaRestarts: number;
  redisRestarts: number;
  usersLostRestarts: number;
  healedWithinMs: Array<number | null>;
  postgresRestarts: number;
  probeReads: number;
  probeAuthenticated: number;
  violations: number;
  apiInternalErrors: number;
  stuck: number;
  overlaps: number;
  lostRequests: number;
  orphans: number;
  foreignUsersChanged: number;
  duplicates: number;
  storedForFailedJob: number;
  unexplainedVersions: number;
  versionsVsCompletions: number;
  activeIndexMismatches: number;
  dlqMessages: number;
  failures: string[];
}

/**
 * The chaos run in miniature (tools/chaos): its own platform, kills -9 across the services, a
 * broker and a Redis restart, and a Redis restart that loses Rotor's users (continuous
 * verification must heal them), while a probe checks every served credential against Redis.
 * Not a timed test: it asserts what the run found, never how long it took.
 */
describe('npm run chaos -- --smoke', () => {
  it('breaks no invariant while services are killed, the broker and Redis restart, and Redis loses its users', async () => {
    const result = await runChaos<ChaosResult>(['--smoke']);

    expect(result).toMatchObject({
      ok: true,
      failures: [],
      killsTotal: 5,
      kafkaRestarts: 1,
      redisRestarts: 1,
      usersLostRestarts: 1,
      postgresRestarts: 0,
      violations: 0,
      apiInternalErrors: 0,
      stuck: 0,
      overlaps: 0,
      lostRequests: 0,
      orphans: 0,
      foreignUsersChanged: 0,
      duplicates: 0,
      storedForFailedJob: 0,
      unexplainedVersions: 0,
      versionsVsCompletions: 0,
      activeIndexMismatches: 0,
      dlqMessages: 0,
    });
    // Every served credential authenticated again after Redis lost the users (within interval + heal time).
    expect(result.healedWithinMs).toEqual([expect.any(Number)]);
    expect(result.rotationsAccepted).toBeGreaterThanOrEqual(30);
    // Every job ended: the initial ones, the 30 manual ones and any the schedule added.
    expect(result.jobs.requested).toBeGreaterThanOrEqual(30);
    expect(result.jobs.completed + result.jobs.failed + result.jobs.endedByDelete).toBe(result.jobs.requested);
    expect(result.probeAuthenticated).toBeGreaterThan(0);
    expect(result.probeReads).toBeGreaterThanOrEqual(result.probeAuthenticated);
  }, 480_000);
});

interface ScaledChaosResult {
  ok: boolean;
  failures: string[];
  instances: number;
  brokers: number;
  killsTotal: number;
  brokerKills: number;
  unexpectedExits: number;
  violations: number;
  apiInternalErrors: number;
  stuck: number;
  overlaps: number;
  lostRequests: number;
  duplicates: number;
  orphans: number;
  unexplainedVersions: number;
  versionsVsCompletions: number;
  dlqMessages: number;
  readAvailabilityPercent: number;
  partitionMoveMs: number[];
  probeReads: number;
  probeAuthenticated: number;
  rotationsAccepted: number;
  jobs: { requested: number; completed: number; failed: number; endedByDelete: number };
}

/**
 * `npm run chaos -- --smoke --instances 2 --brokers 3`: two instances of every service on a
 * 3-node Kafka cluster, ports and databases of its own, one instance killed at a time and one
 * Kafka node killed -9. Asserts what the run found — invariants, no lost or doubled rotation,
 * the read path answering while one instance is down — never how long anything took.
 */
describe('npm run chaos -- --smoke --instances 2 --brokers 3', () => {
  it('keeps every invariant and the read path answering while instances and a Kafka node are killed', async () => {
    const result = await runChaos<ScaledChaosResult>([
      '--smoke', '--instances', '2', '--brokers', '3',
      '--base-port', String(lanePort(24140)), '--kafka-port', String(lanePort(24152)),
      '--database-suffix', laneSuffix('_chaos_scaled'), '--report', 'tmp/chaos-scaled-smoke-report.json',
    ]);

    expect(result).toMatchObject({
      ok: true,
      failures: [],
      instances: 2,
      brokers: 3,
      killsTotal: 5,
      brokerKills: 1,
      violations: 0,
      apiInternalErrors: 0,
      stuck: 0,
      overlaps: 0,
      lostRequests: 0,
      duplicates: 0,
      orphans: 0,
      unexplainedVersions: 0,
      versionsVsCompletions: 0,
      dlqMessages: 0,
    });
    // Passing means at least 99.9 % of the reads outside a Postgres restart were answered.
    expect(result.readAvailabilityPercent).toBeGreaterThanOrEqual(99.9);
    expect(result.jobs.completed + result.jobs.failed + result.jobs.endedByDelete).toBe(result.jobs.requested);
    expect(result.rotationsAccepted).toBeGreaterThanOrEqual(30);
    expect(result.probeAuthenticated).toBeGreaterThan(0);
    // Kills of consuming services were timed until Kafka had moved their partitions.
    expect(result.partitionMoveMs.length).toBeGreaterThan(0);
  }, 600_000);
});
