import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

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

/** Runs `npm run chaos -- --smoke` as a user would, and answers its exit code and output. */
function runChaosSmoke(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('node', ['-r', './tools/register.cjs', 'tools/chaos/chaos.ts', '--smoke'], {
      cwd: ROOT,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

/**
 * The chaos run in miniature (tools/chaos): its own platform, kills -9 across the services, a
 * broker and a Redis restart, and a Redis restart that loses Rotor's users (continuous
 * verification must heal them), while a probe checks every served credential against Redis.
 * Not a timed test: it asserts what the run found, never how long it took.
 */
describe('npm run chaos -- --smoke', () => {
  it('breaks no invariant while services are killed, the broker and Redis restart, and Redis loses its users', async () => {
    const { code, output } = await runChaosSmoke();
    const line = output.split('\n').find((l) => l.startsWith('CHAOS RESULT '));
    if (code !== 0 || !line) throw new Error(`chaos smoke exited ${code}:\n${output.slice(-6000)}`);
    const result = JSON.parse(line.slice('CHAOS RESULT '.length)) as ChaosResult;

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
