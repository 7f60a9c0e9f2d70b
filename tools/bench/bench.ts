/**
 * `npm run bench`: Rotor's speed and cost on this machine, beside the ceilings of its raw
 * parts measured in the same run. Starts a platform of its own (services on 28080–28084,
 * `_bench` databases, a Kafka broker on 29092, a redis-server to rotate), then:
 *
 *   1. ceilings: Redis ACL SETUSER + fresh AUTH, Kafka round trip and throughput, Postgres
 *      one-insert transactions;
 *   2. creates N rotations through the public API (each answers once its first credential
 *      set is stored);
 *   3. burst: requests a rotation of every one of them at once (bounded concurrency) and
 *      follows each until its mapped secrets hold the new credential and it authenticates;
 *   4. fixed rate: R rotations per second for S seconds, open loop;
 *
 * and prints a table, writing tmp/bench/bench-<timestamp>.json and tmp/bench/latest.json.
 * Every loop is bounded: a rotation that does not finish in --timeout-ms counts as failed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { ALL_TOPICS } from '@rotor/contracts';
import { ADMIN_PASSWORD, ADMIN_USER, Platform, RedisFleet, RedisServer, SERVICES, Service } from '@rotor/testing';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { kafkaCeiling, postgresCeiling, redisCeiling } from './ceilings';
import { hopFloor } from './hop-floor';
import { BenchHttp } from './http-client';
import { BenchOptions, parseOptions } from './options';
import { allPids, cmdline, Sampler, Window } from './proc-stats';
import { BenchReport, PhaseReport, ResourceReport, printReport, ratio } from './report';
import { BenchRotation, RotationRun, RotorDriver, Semaphore, StoredWatcher } from './rotor-load';
import { measureAuditCost } from './audit-cost';
import { readHops } from './hops';
import { round, sleep, summarize } from './stats';

// The hook this process runs under (node -r ./tools/register.cjs).
const { warmTranspileCache } = require('../register.cjs') as { warmTranspileCache: (roots: string[]) => number };

const ROOT = join(__dirname, '..', '..');
const PG_SERVER = process.env['BENCH_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432';
const CEILING_DATABASE = 'rotor_ceiling';
const HOP_DATABASE = 'rotor_hops';
/** Hops of a paced chain: the deliveries a rotation's events get handled with (the bench counts 8). */
const PACED_HOPS = 8;

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

async function main(): Promise<number> {
  const opts = parseOptions(process.argv.slice(2));
  const outDir = join(ROOT, opts.out);
  mkdirSync(outDir, { recursive: true });
  const startedAt = new Date();
  log(`${opts.smoke ? 'smoke run' : 'full run'}: ${opts.rotations} rotations, fixed rate ${opts.rate}/s for ${opts.rateSeconds} s`);

  const fleet = new RedisFleet();
  const platform = new Platform({
    basePort: opts.basePort,
    databaseSuffix: opts.databaseSuffix,
    kafkaPort: opts.kafkaPort,
    kafkaHome: join(outDir, opts.smoke ? 'kafka-smoke' : 'kafka'),
    logDir: join(outDir, opts.smoke ? 'logs-smoke' : 'logs'),
    extraEnv: {
      LOG_LEVEL: opts.logLevel,
      // One admin identity sends everything; the per-identity limit is not what is measured.
      GATEWAY_RATE_LIMIT_BURST: '1000000',
      GATEWAY_RATE_LIMIT_PER_SECOND: '1000000',
      ...opts.env,
    },
    nodeArgs: Object.fromEntries(
      SERVICES.map((s) => [
        s,
        [
          ...(opts.profile.includes(s) ? ['--cpu-prof', `--cpu-prof-dir=${join(outDir, 'profiles')}`] : []),
          ...(opts.heapSnapshot.includes(s) ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${join(outDir, 'profiles')}`] : []),
        ],
      ]),
    ),
  });
  const ceilingDatabase = `${CEILING_DATABASE}${opts.databaseSuffix}`;
  const hopDatabase = `${HOP_DATABASE}${opts.databaseSuffix}`;
  const databases = [...platform.databaseNames(), ceilingDatabase, hopDatabase];
  const sampler = new Sampler(postgresClassifier(databases));
  let watcher: StoredWatcher | undefined;
  let api: BenchHttp | undefined;

  try {
    const redis = await fleet.start();
    sampler.watch(process.pid, 'bench');
    sampler.watch(findRedisPid(redis.port), 'redis');
    log('starting the bench Kafka broker and migrating the _bench databases');
    await platform.prepare();
    sampler.watch(platform.kafkaPid(), 'kafka');
    if (opts.pgLogStatements) await logStatements(platform.databaseNames());
    sampler.start();

    // 1. Ceilings, on a quiet machine (the services are not started yet).
    log('ceiling: Redis ACL SETUSER + fresh-connection AUTH');
    const redisC = await redisCeiling({ host: redis.host, port: redis.port, username: ADMIN_USER, password: ADMIN_PASSWORD }, {
      seconds: opts.ceilingSeconds, workers: 8,
    });
    log('ceiling: Kafka produce → consume');
    const kafkaC = await kafkaCeiling(platform.kafkaBroker(), { roundTrips: opts.kafkaRoundTrips, messages: opts.kafkaMessages, messageBytes: 1024 });
    log('ceiling: Postgres BEGIN; INSERT; COMMIT');
    const pgC = await postgresCeiling(PG_SERVER, ceilingDatabase, { seconds: opts.ceilingSeconds, clients: 8 });
    log('floor: one event hop through Rotor\'s messaging (consume, claim + outbox in one transaction, publish)');
    const hopC = await hopFloor({
      serverUrl: PG_SERVER, database: hopDatabase, broker: platform.kafkaBroker(), sampler,
      chains: opts.smoke ? 200 : 2000, hopsPerChain: 4,
    });
    // A chain per rotation, as many hops as a rotation's events are handled (inbox claims a rotation).
    log(`floor: the same hop, paced: chains of ${PACED_HOPS} hops started at ${opts.rate}/s, as a fixed rate of rotations sends them`);
    const pacedHopC = await hopFloor({
      serverUrl: PG_SERVER, database: hopDatabase, broker: platform.kafkaBroker(), sampler,
      chains: Math.max(1, Math.round(opts.rate * (opts.smoke ? 2 : 10))), hopsPerChain: PACED_HOPS, chainsPerSecond: opts.rate,
    });

    // A service started on sources not yet transpiled loads SWC for it (~45 MB more RSS).
    const transpiled = warmTranspileCache(['apps', 'libs'].map((dir) => join(ROOT, dir)));
    if (transpiled > 0) log(`transpiled ${transpiled} changed source files ahead of the services`);
    log('starting the five services');
    try {
      await platform.startAll();
    } catch (e) {
      // Postgres or the broker blinked (another run on this machine may restart them): once more.
      log(`start failed (${(e as Error).message}); trying once more`);
      await platform.stopAll();
      await sleep(3000);
      await platform.startAll();
    }
    for (const s of SERVICES) sampler.watch(platform.pid(s), s);
    watcher = new StoredWatcher(platform.kafkaBroker());
    await watcher.start();
    api = new BenchHttp(platform.url(), platform.adminToken, Math.max(opts.requestConcurrency, opts.createConcurrency) + opts.verifyConcurrency + 8);
    const driver = new RotorDriver(api, redis, watcher, ADMIN_USER, ADMIN_PASSWORD);
    await driver.setUp();
    const counters = new Counters(platform.kafkaBroker(), platform.databaseNames(), SERVICES.map((s) => [s, platform.url(s)]));
    const settleMs = opts.smoke ? 1100 : 1500;

    // What the platform costs with nothing to do (consumers' fetches, timers): a cost per
    // second, which every rotation of a phase shares.
    const idleSeconds = opts.smoke ? 2 : 10;
    log(`idle: ${idleSeconds} s with nothing to do`);
    const i0 = sampler.mark();
    await sleep(idleSeconds * 1000);
    const idle = resources(sampler.window(i0, sampler.mark()));

    // 2. Create.
    log(`creating ${opts.rotations} rotations (${opts.createConcurrency} at a time)`);
    const createErrors: string[] = [];
    const c0 = sampler.mark();
    const createStart = performance.now();
    const rotations = await driver.createRotations(opts.rotations, opts.createConcurrency, (e) => createErrors.push(e.message));
    const createSeconds = (performance.now() - createStart) / 1000;
    const c1 = sampler.mark();
    log(`created ${rotations.length} in ${round(createSeconds, 1)} s`);

    // 3. Burst: every rotation at once, once the creates' after-effects settled.
    await sleep(opts.smoke ? 300 : 1000);
    log(`burst: rotating all ${rotations.length} (${opts.requestConcurrency} requests in flight)`);
    const burst = await runPhase('burst', sampler, counters, platform, () => {
      const requests = new Semaphore(opts.requestConcurrency);
      const verify = new Semaphore(opts.verifyConcurrency);
      return Promise.all(rotations.map((r) => driver.rotate(r, { requests, verify, timeoutMs: opts.rotationTimeoutMs })));
    }, settleMs);
    log(`burst: ${burst.report.completed}/${burst.report.requested} in ${burst.report.seconds} s → ${burst.report.rotationsPerSecond}/s`);
    burst.report.heapAfter = await heapOf(platform);
    if (opts.heapSnapshot.length > 0) {
      mkdirSync(join(outDir, 'profiles'), { recursive: true });
      for (const s of opts.heapSnapshot) process.kill(platform.pid(s) as number, 'SIGUSR2');
      log(`heap snapshots of ${opts.heapSnapshot.join(', ')} going to ${join(opts.out, 'profiles')}`);
      await sleep(20_000);
    }

    // 4. Fixed rate.
    let fixed: PhaseResult | null = null;
    const fixedCount = Math.min(rotations.length, Math.round(opts.rate * opts.rateSeconds));
    if (fixedCount > 0 && opts.rate > 0) {
      await sleep(opts.smoke ? 300 : 2000);
      log(`fixed rate: ${opts.rate}/s for ${round(fixedCount / opts.rate, 1)} s (${fixedCount} rotations)`);
      fixed = await runPhase('fixedRate', sampler, counters, platform, async () => {
        const verify = new Semaphore(opts.verifyConcurrency);
        const t0 = performance.now();
        const interval = 1000 / opts.rate;
        return Promise.all(
          rotations.slice(0, fixedCount).map((r, i) =>
            driver.rotate(r, { verify, timeoutMs: opts.rotationTimeoutMs, before: () => sleep(Math.max(0, t0 + i * interval - performance.now())) }),
          ),
        );
      }, settleMs);
      fixed.report.targetRate = opts.rate;
      log(`fixed rate: ${fixed.report.completed}/${fixed.report.requested}, p99 ${fixed.report.latencyMs.readable.p99} ms`);
    }
    // 5. What the audit log costs on secret reads (the gateway restarted without read auditing, then back).
    await sleep(opts.smoke ? 300 : 1000);
    const auditPath = `/api/v3/secrets/raw?projectId=${driver.projectId}&environment=dev&secretPath=${encodeURIComponent(rotations[0]?.path ?? '/')}`;
    const auditCost = await measureAuditCost(
      platform,
      () => new BenchHttp(platform.url(), platform.adminToken, opts.auditReadConcurrency + 4),
      auditPath,
      { reads: opts.auditReads, concurrency: opts.auditReadConcurrency, log },
    );
    sampler.stop();

    const report: BenchReport = {
      version: 1,
      mode: opts.smoke ? 'smoke' : 'full',
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      options: { ...opts },
      machine: { cpus: cpus().length, memoryGiB: round(totalmem() / 2 ** 30, 1), node: process.version, loadavg: loadavg().map((l) => round(l)) },
      ceilings: { redis: redisC, kafka: kafkaC, postgres: pgC, hop: hopC, pacedHop: pacedHopC },
      rotor: {
        idle,
        create: {
          requested: opts.rotations,
          created: rotations.length,
          errors: createErrors.slice(0, 10),
          seconds: round(createSeconds),
          perSecond: round(rotations.length / createSeconds),
          resources: resources(sampler.window(c0, c1)),
        },
        burst: burst.report,
        fixedRate: fixed?.report ?? null,
        auditCost,
      },
      ratios: [],
      goals: [],
    };
    finishReport(report);
    const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
    const json = JSON.stringify(report, null, 2);
    writeFileSync(join(outDir, `bench-${stamp}.json`), json);
    writeFileSync(join(outDir, 'latest.json'), json);
    printReport(report);
    log(`wrote ${join(opts.out, `bench-${stamp}.json`)} and ${join(opts.out, 'latest.json')}`);
    const failed = burst.report.failed + (fixed?.report.failed ?? 0) + (opts.rotations - rotations.length);
    return failed === 0 ? 0 : 1;
  } finally {
    sampler.stop();
    await watcher?.stop().catch(() => undefined);
    api?.close();
    await platform.stopAll();
    platform.stopKafka();
    await fleet.stopAll();
  }
}

interface PhaseResult {
  report: PhaseReport;
}

/**
 * Runs `work` between two marks and two counter readings, and summarizes its rotations and
 * the hops of the events they caused.
 */
async function runPhase(
  name: string, sampler: Sampler, counters: Counters, platform: Platform, work: () => Promise<RotationRun[]>, settleMs: number,
): Promise<PhaseResult> {
  const before = await counters.read();
  const m0 = sampler.mark();
  const startedMs = Date.now();
  const runs = await work();
  const endedMs = Date.now();
  const m1 = sampler.mark();
  // Postgres publishes a busy backend's counters about once a second.
  await sleep(settleMs);
  const after = await counters.read();
  const report = phaseReport(name, runs, sampler.window(m0, m1), before, after);
  report.hops = await readHops(PG_SERVER, platform.databaseNames(), startedMs, endedMs);
  return { report };
}

function phaseReport(name: string, runs: RotationRun[], window: Window, before: CounterReading, after: CounterReading): PhaseReport {
  const done = runs.filter((r) => r.authenticatedAt !== undefined);
  const first = Math.min(...runs.map((r) => r.requestedAt));
  const last = Math.max(...done.map((r) => r.authenticatedAt as number), first);
  const seconds = (last - first) / 1000 || window.seconds;
  const lat = (pick: (r: RotationRun) => number | undefined) =>
    summarize(done.map((r) => (pick(r) as number) - r.requestedAt));
  const kafkaMessages = after.kafkaMessages - before.kafkaMessages;
  const postgresCommits = after.postgresCommits - before.postgresCommits;
  const statementsByService = Object.fromEntries(
    Object.entries(after.statementsByService).map(([service, n]) => [service, n - (before.statementsByService[service] ?? 0)]),
  );
  const statements = Object.values(statementsByService).reduce((sum, n) => sum + n, 0);
  const perRotation = (n: number) => (done.length > 0 ? round(n / done.length, 1) : 0);
  return {
    name,
    requested: runs.length,
    completed: done.length,
    failed: runs.length - done.length,
    errors: runs.filter((r) => r.error).slice(0, 10).map((r) => `${r.rotationId}: ${r.error}`),
    retriedRequests: runs.filter((r) => r.attempts > 1).length,
    seconds: round(seconds),
    rotationsPerSecond: round(done.length / seconds, 1),
    latencyMs: {
      accepted: lat((r) => r.acceptedAt),
      stored: lat((r) => r.storedAt),
      readable: lat((r) => r.readableAt),
      authenticated: lat((r) => r.authenticatedAt),
    },
    kafkaMessages,
    kafkaMessagesPerSecond: round(kafkaMessages / seconds, 1),
    postgresCommits,
    postgresCommitsPerSecond: round(postgresCommits / seconds, 1),
    postgresCommitsByDatabase: Object.fromEntries(
      Object.entries(after.commitsByDatabase).map(([db, n]) => [db, n - (before.commitsByDatabase[db] ?? 0)]),
    ),
    postgresStatements: statements,
    postgresStatementsPerRotation: perRotation(statements),
    postgresStatementsPerRotationByService: Object.fromEntries(Object.entries(statementsByService).map(([s, n]) => [s, perRotation(n)])),
    resources: resources(window),
    cpuMsPerRotation: cpuPerRotation(window, done.length),
    hops: [],
  };
}

/** CPU milliseconds per completed rotation, per part: what a rotation costs, whatever else ran. */
function cpuPerRotation(w: Window, rotations: number): Record<string, number> {
  const per = (seconds: number) => (rotations > 0 ? round((seconds * 1000) / rotations, 2) : 0);
  const g = (name: string) => w.groups[name]?.cpuSeconds ?? 0;
  const services = SERVICES.reduce((sum, s) => sum + g(s), 0);
  return {
    ...Object.fromEntries(SERVICES.map((s) => [s, per(g(s))])),
    services: per(services),
    kafka: per(g('kafka')),
    postgres: per(g('postgres')),
    redis: per(g('redis')),
    bench: per(g('bench')),
    rotor: per(services + g('kafka') + g('postgres') + g('redis')),
  };
}

/** What each service's V8 heap holds right after a phase (from its /metrics), to explain its RSS. */
async function heapOf(platform: Platform): Promise<Record<string, Record<string, number>>> {
  const wanted: Record<string, string> = {
    process_resident_memory_bytes: 'rssMB',
    nodejs_heap_size_used_bytes: 'heapUsedMB',
    nodejs_heap_size_total_bytes: 'heapTotalMB',
    nodejs_external_memory_bytes: 'externalMB',
  };
  const out: Record<string, Record<string, number>> = {};
  for (const s of SERVICES) {
    try {
      const metrics = await metricsOf(platform.url(s));
      out[s] = {};
      for (const [name, as] of Object.entries(wanted)) if (metrics.has(name)) out[s][as] = round((metrics.get(name) as number) / 2 ** 20, 1);
    } catch {
      // a service without metrics just has no entry
    }
  }
  return out;
}

/** A service's /metrics, each metric's samples summed: `name{labels} value` lines (services label theirs). */
async function metricsOf(serviceUrl: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${serviceUrl}/metrics`)).text();
  const metrics = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const name = line.split(/[{ ]/)[0];
    metrics.set(name, (metrics.get(name) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return metrics;
}

function resources(w: Window): ResourceReport {
  const g = (name: string) => w.groups[name] ?? { cpuSeconds: 0, peakRssBytes: 0, processes: 0 };
  const services = Object.fromEntries(
    SERVICES.map((s) => [s, { cpuSeconds: round(g(s).cpuSeconds), peakRssMB: round(g(s).peakRssBytes / 2 ** 20, 1) }]),
  ) as Record<Service, { cpuSeconds: number; peakRssMB: number }>;
  const measured = ['kafka', 'postgres', 'redis', 'bench', ...SERVICES].reduce((sum, n) => sum + g(n).cpuSeconds, 0);
  const share = (n: string) => (measured > 0 ? round(g(n).cpuSeconds / measured, 3) : 0);
  const servicesCpu = SERVICES.reduce((sum, s) => sum + g(s).cpuSeconds, 0);
  return {
    seconds: round(w.seconds),
    services,
    servicesCpuSeconds: round(servicesCpu),
    kafka: { cpuSeconds: round(g('kafka').cpuSeconds), share: share('kafka'), peakRssMB: round(g('kafka').peakRssBytes / 2 ** 20, 1) },
    postgres: { cpuSeconds: round(g('postgres').cpuSeconds), share: share('postgres'), processes: g('postgres').processes },
    redis: { cpuSeconds: round(g('redis').cpuSeconds), share: share('redis') },
    bench: { cpuSeconds: round(g('bench').cpuSeconds), share: share('bench') },
    servicesShare: measured > 0 ? round(servicesCpu / measured, 3) : 0,
    machine: {
      busySeconds: round(w.machineBusySeconds),
      capacitySeconds: round(w.machineTotalSeconds),
      utilization: w.machineTotalSeconds > 0 ? round(w.machineBusySeconds / w.machineTotalSeconds, 3) : 0,
      // Busy time no watched process accounts for: other work on the machine (noise).
      otherBusySeconds: round(Math.max(0, w.machineBusySeconds - measured)),
    },
  };
}

function finishReport(r: BenchReport): void {
  const b = r.rotor.burst;
  const f = r.rotor.fixedRate;
  const k = r.ceilings.kafka;
  // Rotor's path crosses Kafka three times before a client can know: RotationRequested →
  // executor, CredentialsRotated → secret store, SecretsUpdated → the client.
  const hops = 3;
  r.ratios = [
    ratio('rotations/s vs Redis SETUSER+AUTH/s', b.rotationsPerSecond, r.ceilings.redis.opsPerSecond, '/s'),
    // What the machine could do if Rotor's CPU per rotation (services, Kafka, Postgres, Redis)
    // were the only limit: near 1 means CPU-bound, and only a cheaper rotation goes faster.
    ratio(
      `rotations/s vs CPU-bound (${r.machine.cpus} cores / CPU per rotation)`,
      b.rotationsPerSecond,
      round((r.machine.cpus * 1000) / Math.max(b.cpuMsPerRotation['rotor'] ?? 0, 0.001), 1),
      '/s',
    ),
    ratio('Kafka messages/s vs produce→consume msgs/s', b.kafkaMessagesPerSecond, k.messagesPerSecond, '/s'),
    ratio('Postgres commits/s vs 1-insert tx/s', b.postgresCommitsPerSecond, r.ceilings.postgres.transactionsPerSecond, '/s'),
    ratio(`burst p50 latency vs ${hops} Kafka round trips (p50)`, b.latencyMs.readable.p50, hops * k.roundTripMs.p50, 'ms'),
    ...(f ? [ratio(`fixed-rate p99 vs ${hops} Kafka round trips (p99)`, f.latencyMs.readable.p99, hops * k.roundTripMs.p99, 'ms')] : []),
  ];
  // Every inbox claim is one handled delivery: at least one hop of the kind the floor measured.
  const deliveries = b.completed > 0
    ? round(b.hops.filter((h) => / → claimed by /.test(h.hop)).reduce((n, h) => n + h.latencyMs.count, 0) / b.completed, 1)
    : 0;
  r.floor = {
    handledDeliveriesPerRotation: deliveries,
    cpuMsPerHop: r.ceilings.hop.cpuMsPerHop.total,
    cpuMsPerRotation: round(deliveries * r.ceilings.hop.cpuMsPerHop.total, 2),
  };
  const paced = r.ceilings.pacedHop;
  if (f && f.completed > 0 && paced) {
    const fixedDeliveries = round(f.hops.filter((h) => / → claimed by /.test(h.hop)).reduce((n, h) => n + h.latencyMs.count, 0) / f.completed, 1);
    r.pacedFloor = {
      rate: paced.chainsPerSecond ?? 0,
      handledDeliveriesPerRotation: fixedDeliveries,
      hopsPerChain: paced.hopsPerChain,
      cpuMsPerChain: round(paced.hopsPerChain * paced.cpuMsPerHop.total, 2),
      hopLatencyMs: paced.hopLatencyMs ?? summarize([]),
    };
  }
  const peakRss = Math.max(...[b, f].filter((p): p is PhaseReport => !!p).flatMap((p) => Object.values(p.resources.services).map((s) => s.peakRssMB)));
  const cpu = b.cpuMsPerRotation['rotor'] ?? 0;
  r.goals = [
    {
      goal: 'burst: rotations/s, every one completed and authenticating',
      target: '≥ 250',
      value: b.rotationsPerSecond,
      met: b.rotationsPerSecond >= 250 && b.failed === 0,
    },
    ...(f ? [{ goal: `fixed ${f.targetRate}/s: request → secret readable p99 (ms)`, target: '≤ 100', value: f.latencyMs.readable.p99, met: f.latencyMs.readable.p99 <= 100 && f.failed === 0 }] : []),
    { goal: 'CPU per rotation, all-in (ms; burst)', target: '≤ 8', value: cpu, met: cpu > 0 && cpu <= 8 },
    { goal: 'Postgres statements per rotation (burst)', target: '≤ 12', value: b.postgresStatementsPerRotation, met: b.postgresStatementsPerRotation <= 12 },
    { goal: 'peak RSS of any service under load (MB)', target: '≤ 150', value: peakRss, met: peakRss <= 150 },
  ];
}

interface CounterReading {
  kafkaMessages: number;
  postgresCommits: number;
  commitsByDatabase: Record<string, number>;
  /** rotor_postgres_statements_total of each service (its /metrics). */
  statementsByService: Record<string, number>;
}

/** Messages on Rotor's topics (high-water marks), commits in the _bench databases, statements each service sent. */
class Counters {
  private readonly kafka: Kafka;

  constructor(broker: string, private readonly databases: string[], private readonly services: Array<[string, string]>) {
    this.kafka = new Kafka({ clientId: 'rotor-bench-counters', brokers: broker.split(','), logLevel: logLevel.NOTHING });
  }

  async read(): Promise<CounterReading> {
    const admin = this.kafka.admin();
    await admin.connect();
    let kafkaMessages = 0;
    try {
      for (const topic of ALL_TOPICS) {
        for (const o of await admin.fetchTopicOffsets(topic)) kafkaMessages += Number(o.high);
      }
    } finally {
      await admin.disconnect();
    }
    const pg = new Client({ connectionString: `${PG_SERVER}/postgres` });
    await pg.connect();
    try {
      const { rows } = await pg.query<{ datname: string; n: string }>(
        'SELECT datname, xact_commit AS n FROM pg_stat_database WHERE datname = ANY($1)',
        [this.databases],
      );
      const commitsByDatabase = Object.fromEntries(rows.map((r) => [r.datname, Number(r.n)]));
      const statementsByService: Record<string, number> = {};
      for (const [service, url] of this.services) statementsByService[service] = await statementsOf(url);
      return { kafkaMessages, postgresCommits: rows.reduce((sum, r) => sum + Number(r.n), 0), commitsByDatabase, statementsByService };
    } finally {
      await pg.end();
    }
  }
}

async function statementsOf(serviceUrl: string): Promise<number> {
  const statements = (await metricsOf(serviceUrl)).get('rotor_postgres_statements_total');
  if (statements === undefined) throw new Error(`${serviceUrl}/metrics has no rotor_postgres_statements_total`);
  return statements;
}

/** Every statement of these databases goes to the server log (sessions opened from now on). */
async function logStatements(databases: string[]): Promise<void> {
  const pg = new Client({ connectionString: `${PG_SERVER}/postgres` });
  await pg.connect();
  try {
    for (const db of databases) await pg.query(`ALTER DATABASE ${db} SET log_statement = 'all'`);
  } finally {
    await pg.end();
  }
}

/** Postgres processes: the backends of our databases, and the server's own (shared) processes. */
function postgresClassifier(databases: string[]): (pid: number, cmd: string) => string | null {
  return (_pid, cmd) => {
    if (/\/bin\/postgres\b/.test(cmd)) return 'postgres';
    if (!cmd.startsWith('postgres: ')) return null;
    // A backend: "postgres: 15/main: <user> <database> <host>(<port>) <state>".
    const backend = /^postgres: \S+: \S+ (\S+) \S+\(\d+\)/.exec(cmd) ?? /^postgres: \S+: \S+ (\S+) \[local\]/.exec(cmd);
    if (backend) return databases.includes(backend[1]) ? 'postgres' : null;
    return 'postgres';
  };
}

function findRedisPid(port: number): number | undefined {
  return allPids().find((pid) => {
    const cmd = cmdline(pid);
    return cmd.startsWith('redis-server') && cmd.includes(`:${port}`);
  });
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`[bench] failed: ${(e as Error).stack ?? e}\n`);
    process.exit(2);
  },
);

export type { BenchOptions, BenchRotation, RedisServer };
