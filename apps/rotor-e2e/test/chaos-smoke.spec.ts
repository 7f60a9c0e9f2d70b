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
