/**
 * `npm run bench -- --smoke` end to end, as a child process: it starts a platform of its own
 * (a smoke run takes ports 28110–28115, `_bench_smoke` databases and a broker on 29122, so a
 * full bench running meanwhile is not disturbed), measures a tiny load and writes its JSON.
 * This checks that every figure is there and every rotation completed — never how fast
 * anything was.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const OUT = 'tmp/bench-smoke';

interface Latency {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

interface Phase {
  requested: number;
  completed: number;
  failed: number;
  errors: string[];
  seconds: number;
  rotationsPerSecond: number;
  latencyMs: Record<'accepted' | 'stored' | 'readable' | 'authenticated', Latency>;
  kafkaMessages: number;
  postgresCommits: number;
  postgresStatementsPerRotation: number;
  postgresStatementsPerRotationByService: Record<string, number>;
  hops: Array<{ hop: string; latencyMs: Latency }>;
  resources: {
    services: Record<string, { cpuSeconds: number; peakRssMB: number }>;
    kafka: { cpuSeconds: number; share: number };
    postgres: { cpuSeconds: number; share: number };
    machine: { busySeconds: number; capacitySeconds: number };
  };
}

const SERVICES = ['gateway', 'rotation-config', 'rotation-scheduler', 'redis-executor', 'secret-store', 'alerts'];

function runSmoke(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('node', ['-r', './tools/register.cjs', 'tools/bench/bench.ts', '--smoke', '--out', OUT], {
      cwd: ROOT,
      env: { ...process.env, KAFKAJS_NO_PARTITIONER_WARNING: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), 240_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

function expectPositive(value: unknown, what: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new Error(`${what} should be a number > 0, got ${String(value)}`);
}

function expectMeasured(value: unknown, what: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error(`${what} should be a number >= 0, got ${String(value)}`);
}

function expectLatencies(phase: Phase, name: string): void {
  for (const [step, l] of Object.entries(phase.latencyMs)) {
    expect(l.count).toBe(phase.completed);
    for (const p of ['p50', 'p95', 'p99', 'max'] as const) expectPositive(l[p], `${name} ${step} ${p}`);
    expect(l.p50).toBeLessThanOrEqual(l.p99);
  }
  // Each step comes after the one before it.
  expect(phase.latencyMs.accepted.p50).toBeLessThanOrEqual(phase.latencyMs.readable.p50);
  expect(phase.latencyMs.readable.p50).toBeLessThanOrEqual(phase.latencyMs.authenticated.p50);
}

/**
 * Services that work on every rotation while it runs. The scheduler and alerts fetch every
 * 250 ms at most and may not use one clock tick (10 ms) of CPU in a smoke phase of well under
 * a second: theirs must be measured, not above zero.
 */
const ON_THE_PATH = new Set(['gateway', 'rotation-config', 'redis-executor', 'secret-store']);

function expectResources(phase: Phase, name: string): void {
  for (const s of SERVICES) {
    const cpu = phase.resources.services[s]?.cpuSeconds;
    if (ON_THE_PATH.has(s)) expectPositive(cpu, `${name} CPU seconds of ${s}`);
    else expectMeasured(cpu, `${name} CPU seconds of ${s}`);
    expectPositive(phase.resources.services[s]?.peakRssMB, `${name} peak RSS of ${s}`);
  }
  expectPositive(phase.resources.kafka.cpuSeconds, `${name} Kafka CPU seconds`);
  expectPositive(phase.resources.postgres.cpuSeconds, `${name} Postgres CPU seconds`);
  expect(phase.resources.kafka.share).toBeGreaterThan(0);
  expect(phase.resources.kafka.share).toBeLessThan(1);
  expect(phase.resources.postgres.share).toBeGreaterThan(0);
  expect(phase.resources.postgres.share).toBeLessThan(1);
  expectPositive(phase.resources.machine.capacitySeconds, `${name} machine capacity`);
}

/** A rotation's main path, hop by hop, one sample per rotation at least. */
function expectHops(phase: Phase, name: string): void {
  const hop = (text: string) => {
    const found = phase.hops.find((h) => h.hop === text);
    if (!found) throw new Error(`${name}: no hop "${text}" among ${phase.hops.map((h) => h.hop).join('; ')}`);
    expect(found.latencyMs.count).toBeGreaterThanOrEqual(phase.completed);
    expect(found.latencyMs.p50).toBeLessThanOrEqual(found.latencyMs.p99);
    return found;
  };
  hop('RotationRequested appended → published (relay)');
  hop('CredentialsRotated appended → published (relay)');
  const handled = phase.hops.filter((h) => /^RotationRequested claimed by .+ → CredentialsRotated appended$/.test(h.hop));
  expect(handled).toHaveLength(1);
  expect(handled[0].latencyMs.count).toBeGreaterThanOrEqual(phase.completed);
}

describe('npm run bench -- --smoke', () => {
  beforeAll(() => rmSync(join(ROOT, OUT), { recursive: true, force: true }));

  it('measures a tiny load and writes every figure, with every rotation completed', async () => {
    const { code, output } = await runSmoke();
    if (code !== 0) throw new Error(`bench --smoke exited with ${code}:\n${output.slice(-4000)}`);
    // The table on the terminal.
    expect(output).toContain('Ceilings of the raw parts');
    expect(output).toContain('Rotor beside its ceilings');
    expect(output).toContain('Postgres statements per rotation');
    expect(output).toMatch(/RotationRequested appended → claimed by \S+/);

    const report = JSON.parse(readFileSync(join(ROOT, OUT, 'latest.json'), 'utf8'));
    expect(report.mode).toBe('smoke');

    // Ceilings.
    expectPositive(report.ceilings.redis.opsPerSecond, 'Redis SETUSER + AUTH per second');
    expectPositive(report.ceilings.kafka.roundTripMs.p50, 'Kafka round trip p50');
    expectPositive(report.ceilings.kafka.roundTripMs.p99, 'Kafka round trip p99');
    expectPositive(report.ceilings.kafka.messagesPerSecond, 'Kafka messages per second');
    expectPositive(report.ceilings.postgres.transactionsPerSecond, 'Postgres transactions per second');
    // The hop floor, all at once and paced at the fixed rate (every hop of every chain timed).
    expectPositive(report.ceilings.hop.cpuMsPerHop.total, 'CPU per hop');
    expect(report.ceilings.pacedHop.chainsPerSecond).toBe(report.options.rate);
    expect(report.ceilings.pacedHop.hopLatencyMs.count).toBeGreaterThanOrEqual(report.ceilings.pacedHop.hops);
    expectPositive(report.ceilings.pacedHop.cpuMsPerHop.total, 'CPU per paced hop');
    expectPositive(report.pacedFloor.cpuMsPerChain, 'paced floor: CPU per chain');
    expect(output).toMatch(/a paced hop takes p50 [\d.]+ ms, p99 [\d.]+ ms/);

    // Every rotation created, then rotated in the burst and in the fixed-rate phase.
    const { create, burst, fixedRate } = report.rotor as { create: { requested: number; created: number }; burst: Phase; fixedRate: Phase };
    expect(create.created).toBe(create.requested);
    expect(create.requested).toBeGreaterThan(0);
    for (const [name, phase] of [['burst', burst], ['fixed rate', fixedRate]] as const) {
      expect(phase.errors).toEqual([]);
      expect(phase.failed).toBe(0);
      expect(phase.completed).toBe(phase.requested);
      expect(phase.requested).toBeGreaterThan(0);
      expectPositive(phase.seconds, `${name} seconds`);
      expectPositive(phase.rotationsPerSecond, `${name} rotations per second`);
      expectPositive(phase.kafkaMessages, `${name} Kafka messages`);
      expectPositive(phase.postgresCommits, `${name} Postgres commits`);
      expectLatencies(phase, name);
      expectResources(phase, name);
      expectPositive(phase.postgresStatementsPerRotation, `${name} Postgres statements per rotation`);
      // Every service that applies a rotation's events writes to its database.
      for (const s of ['rotation-config', 'redis-executor', 'secret-store']) {
        expectPositive(phase.postgresStatementsPerRotationByService[s], `${name} Postgres statements per rotation of ${s}`);
      }
      expectHops(phase, name);
    }
    expect(burst.requested).toBe(create.created);

    // Rotor beside its ceilings, and the goals, each with a number.
    expect(report.ratios.length).toBeGreaterThanOrEqual(4);
    for (const r of report.ratios) {
      expectPositive(r.rotor, `${r.name} (Rotor)`);
      expectPositive(r.ceiling, `${r.name} (ceiling)`);
      expectPositive(r.ratio, `${r.name} (ratio)`);
    }
    expect(report.goals.map((g: { goal: string }) => g.goal)).toHaveLength(5);
    for (const g of report.goals) expectPositive(g.value, g.goal);

    // The same run, under its own name too.
    const stamped = output.match(/bench-[0-9TZ-]+\.json/)?.[0];
    expect(stamped).toBeDefined();
    expect(JSON.parse(readFileSync(join(ROOT, OUT, stamped as string), 'utf8')).startedAt).toBe(report.startedAt);
  }, 300_000);
});
