import { lanePort, laneSuffix } from '@rotor/testing';
import { runChaos } from './support/chaos';

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
 * 3-node Kafka cluster, ports and databases of its own (so it runs beside the single-instance
 * smoke), one instance killed at a time and one Kafka node killed -9. Asserts what the run
 * found — invariants, no lost or doubled rotation, the read path answering while one instance
 * is down — never how long anything took.
 */
describe('npm run chaos -- --smoke --instances 2 --brokers 3', () => {
  it('keeps every invariant and the read path answering while instances and a Kafka node are killed', async () => {
    const result = await runChaos<ScaledChaosResult>([
      '--smoke', '--instances', '2', '--brokers', '3',
      '--base-port', String(lanePort(24380)), '--kafka-port', String(lanePort(24392)),
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
