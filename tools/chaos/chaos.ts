/**
 * npm run chaos — fault injection with an invariant checker running throughout.
 *
 * Starts a platform of its own (six service processes on ports 24080–24085, `_chaos`
 * databases, a Kafka broker on 24092 — below the kernel's ephemeral range, 32768+, so no
 * outgoing connection can hold a port a service restarts on; with --instances N, N of each
 * service, 20 ports apart, and with --brokers 3 a 3-node KRaft cluster) and a redis-server with an
 * aclfile; creates rotations, each with its own mapped secrets path; probes every rotation's
 * served credential against Redis all along; requests manual rotations (plus the dev
 * schedule, ROTOR_DEV_MINUTES=1) while killing -9 and restarting every service, restarting
 * the broker, Redis (also without Rotor's users, which continuous verification must heal) and
 * (with --restart-postgres) the machine's Postgres; then audits what is left and prints the
 * counts.
 *
 * Exits 1 on any violation, orphan user, duplicate or unexplained secret version, stuck or
 * overlapping rotation, or 500 answer (see report.ts); 2 when the run itself could not be
 * carried out. `--smoke` is the tiny version the end-to-end suite runs. Options: options.ts. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ADMIN_PASSWORD, ADMIN_USER, Platform, RedisFleet, RotorApi } from '@rotor/testing';
import { ChaosApi } from './api';
import {
  AuditResult, checkActiveIndexes, checkJobs, checkSecretVersions, collectHistories, findOrphans, foreignUsers, pendingJobs,
  readDeadLetters, readRotatedJobs,
} from './audit';
import { FaultInjector, PlannedFault, describeFault, planFaults } from './faults';
import { ChaosOptions, parseOptions } from './options';
import { Probe } from './probe';
import { RebalanceClock } from './rebalance';
import { Random, sleep } from './random';
import { printReport, ChaosReport, failures } from './report';
import { Workload } from './workload';

const ROOT = join(__dirname, '..', '..');
const started = Date.now();

function log(line: string): void {
  const t = ((Date.now() - started) / 1000).toFixed(1).padStart(7);
  console.log(`[chaos ${t}s] ${line}`);
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const random = new Random(options.seed);
  // Named after the databases (tmp/chaos_smoke-logs for _chaos_smoke), so two runs with
  // their own --database-suffix and ports never share a directory either.
  const runName = options.databaseSuffix.slice(1);
  const logDir = join(ROOT, 'tmp', `${runName}-logs`);
  log(`seed ${options.seed}; ${options.rotations} rotations over ${options.configs} configurations; logs in ${logDir}`);

  const platform = new Platform({
    basePort: options.basePort,
    databaseSuffix: options.databaseSuffix,
    kafkaPort: options.kafkaPort,
    kafkaHome: join(ROOT, 'tmp', `${runName}-kafka`),
    logDir,
    instances: options.instances,
    brokers: options.brokers,
    extraEnv: {
      ROTOR_DEV_MINUTES: '1',
      ROTOR_ROTATION_LEASE_SECONDS: String(options.leaseSeconds),
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      ROTOR_VERIFY_INTERVAL_SECONDS: String(options.verifyIntervalSeconds),
      ROTOR_VERIFY_RETRY_SECONDS: '1',
      // The probe reads far faster than a person: the limit is not what this run is about.
      GATEWAY_RATE_LIMIT_BURST: '1000000',
      GATEWAY_RATE_LIMIT_PER_SECOND: '1000000',
      LOG_LEVEL: 'info',
    },
  });
  const fleet = new RedisFleet();
  let probe: Probe | undefined;
  let injector: FaultInjector | undefined;
  let rebalance: RebalanceClock | undefined;
  const deadline = started + options.maxMinutes * 60_000;
  const cleanup = async () => {
    await probe?.stop().catch(() => undefined);
    await injector?.stopWatchdog().catch(() => undefined);
    await rebalance?.close();
    await platform.stopAll().catch(() => undefined);
    platform.stopKafka();
    await fleet.stopAll().catch(() => undefined);
  };
  process.once('SIGINT', () => {
    log('interrupted; stopping everything');
    void cleanup().finally(() => process.exit(130));
  });

  try {
    const redis = await fleet.start({ aclfile: true });
    log(`redis-server on ${redis.name} with aclfile ${redis.aclfilePath}`);
    log(
      `starting Kafka on ${platform.kafkaBroker()} and ${options.instances === 1 ? 'the services' : `${options.instances} instances of every service`} from ${options.basePort}`,
    );
    // The broker's start and the migrations at once (each takes seconds, far more on a busy machine).
    await platform.prepare();
    await platform.startAll();

    const api = new ChaosApi(platform.urls('gateway').map((url) => new RotorApi(url, platform.adminToken)));
    const projects = await api.answer<{ projects: Array<{ id: string }> }>('GET', '/api/v1/projects');
    if (projects.kind !== 'ok') fail(`could not list projects: ${JSON.stringify(projects)}`);
    const projectId = projects.value.projects[0].id;
    const connection = await api.answer<{ appConnection: { id: string } }>('POST', '/api/v1/app-connections/redis', {
      name: 'chaos-redis', projectId, host: redis.host, port: redis.port, username: ADMIN_USER, password: ADMIN_PASSWORD,
    });
    if (connection.kind !== 'ok') fail(`could not create the Redis connection: ${JSON.stringify(connection)}`);
    const foreignBefore = await foreignUsers(redis);

    probe = new Probe(api, redis, options.probeIntervalMs, log, (options.verifyIntervalSeconds + options.healSeconds) * 1000);
    const workload = new Workload(api, probe, random, { projectId, connectionId: connection.value.appConnection.id }, log);
    log(`creating ${options.configs} rotations (a third of them also on the one-minute dev schedule)`);
    for (let i = 0; i < options.configs; i += 4) {
      await Promise.all(Array.from({ length: Math.min(4, options.configs - i) }, (_, k) => workload.create((i + k) % 3 === 0)));
    }

    const plan = planFaults(
      {
        rotations: options.rotations, kills: options.kills, minKillsPerService: options.smoke ? 0 : 2,
        longOutages: options.longOutages, leaseMs: options.leaseSeconds * 1000,
        kafkaRestarts: options.kafkaRestarts, redisRestarts: options.redisRestarts, usersLostRestarts: options.usersLostRestarts,
        restartPostgres: options.restartPostgres,
        instances: options.instances, brokers: options.brokers, brokerKills: options.brokerKills,
      },
      random,
    );
    const churnPoints = Array.from({ length: options.churn }, () => random.int(Math.floor(options.rotations * 0.1), Math.floor(options.rotations * 0.9))).sort((a, b) => a - b);
    log(`fault plan: ${plan.map((p) => `@${p.atRotation} ${describeFault(p.fault)}`).join('; ')}`);

    if (options.instances > 1) rebalance = await RebalanceClock.connect(platform.kafkaBrokers());
    injector = new FaultInjector(platform, redis, log, probe, rebalance);
    injector.startWatchdog();
    await runWorkload(options, workload, injector, plan, churnPoints, deadline);

    log('all rotations requested and all faults done; letting everything settle');
    await injector.ensureAllRunning();
    await workload.stopSchedules();
    const configDb = platform.database('rotation-config');
    const settleDeadline = Math.min(deadline, Date.now() + (options.leaseSeconds + 120) * 1000);
    // At rest means no job in flight and no new event over a whole verification interval: a heal
    // that continuous verification starts late (after Redis lost its users) must be in the
    // histories the audit compares with the stored versions, or it looks like a stray version.
    const quietMs = (options.verifyIntervalSeconds + 2) * 1000;
    let histories = await collectHistories(api, workload, configDb);
    for (;;) {
      const pending = pendingJobs(histories);
      if (Date.now() > settleDeadline) {
        if (pending.length > 0) log(`still in flight after waiting: ${pending.map((p) => `${p.rotation}/${p.jobId}`).join(', ')}`);
        break;
      }
      await sleep(pending.length > 0 ? 2000 : quietMs);
      const again = await collectHistories(api, workload, configDb);
      const quiet = pending.length === 0 && eventCount(again) === eventCount(histories);
      histories = again;
      if (quiet) break;
    }
    // A last stretch of probing with everything at rest, then the probe stops.
    await sleep(2000);
    await probe.stop();
    await injector.stopWatchdog();

    log('auditing');
    const jobs = checkJobs(histories, workload.accepted);
    const live = await workload.listLive();
    const orphans = await findOrphans(redis, live.map((r) => r.id));
    const foreignAfter = await foreignUsers(redis);
    const foreignUsersChanged = [
      ...foreignBefore.filter((l) => !foreignAfter.includes(l)).map((l) => `before: ${l}`),
      ...foreignAfter.filter((l) => !foreignBefore.includes(l)).map((l) => `after: ${l}`),
    ];
    const rotatedJobs = await readRotatedJobs(platform.kafkaBroker());
    const versions = await checkSecretVersions(platform.database('secret-store'), histories, rotatedJobs, new Set(workload.live.keys()));
    const audit: AuditResult = {
      ...jobs,
      orphans,
      foreignUsersChanged,
      duplicates: versions.duplicates,
      storedForFailedJob: versions.storedForFailedJob,
      unexplainedVersions: versions.unexplained,
      versionsVsCompletions: versions.versionsVsCompletions,
      activeIndexMismatches: await checkActiveIndexes(api, workload),
      dlq: await readDeadLetters(platform.kafkaBroker()),
    };
    const report: ChaosReport = {
      options,
      seconds: Math.round((Date.now() - started) / 1000),
      workload: workload.counts,
      refusals: workload.refusals,
      faults: injector.counts,
      probe: probe.counts,
      probeAverageIntervalMs: probe.averageIntervalMs(),
      readAvailability: probe.availability(),
      probeUnavailableBy: probe.unavailableBy,
      violations: probe.violations,
      audit,
    };
    printReport(report, log);
    const file = join(ROOT, options.reportFile);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(report, null, 2));
    log(`report written to ${options.reportFile}`);
    return failures(report).length === 0 ? 0 : 1;
  } finally {
    await cleanup();
  }
}

/**
 * Requests rotations at the configured rate while the faults fire at their points. The
 * requests never run more than one fault ahead: a fault that takes long (a broker restart)
 * holds the requests back rather than letting the rest of the plan bunch up at the end.
 */
async function runWorkload(
  options: ChaosOptions,
  workload: Workload,
  injector: FaultInjector,
  plan: PlannedFault[],
  churnPoints: number[],
  deadline: number,
): Promise<void> {
  let faultsDone = 0;
  let faultError: unknown;
  const faults = (async () => {
    for (const planned of plan) {
      while (workload.counts.accepted < planned.atRotation) await sleep(50);
      await sleep(planned.jitterMs);
      log(`fault ${faultsDone + 1}/${plan.length} at rotation ${workload.counts.accepted}: ${describeFault(planned.fault)}`);
      await injector.inject(planned.fault);
      faultsDone++;
    }
  })().catch((e) => {
    faultError = e;
  });

  let churning: Promise<void> = Promise.resolve();
  let churnError: unknown;
  const inFlight = new Set<Promise<void>>();
  const gapMs = 1000 / options.requestRate;
  let lastProgressLog = 0;
  while (workload.counts.accepted < options.rotations) {
    if (faultError) throw faultError;
    if (churnError) throw churnError;
    if (Date.now() > deadline) throw new Error(`the run passed its ${options.maxMinutes} min limit with ${workload.counts.accepted} rotations accepted`);
    const nextFault = plan[faultsDone + 1];
    if (nextFault && workload.counts.accepted >= nextFault.atRotation) {
      await sleep(100);
      continue;
    }
    if (churnPoints.length > 0 && workload.counts.accepted >= churnPoints[0]) {
      churnPoints.shift();
      churning = churning.then(() => workload.churn()).catch((e) => {
        churnError = e;
      });
    }
    // At most four requests at once, and never more than the rotations still to request.
    if (inFlight.size < 4 && workload.counts.accepted + inFlight.size < options.rotations) {
      const request = workload.requestOne().finally(() => inFlight.delete(request));
      inFlight.add(request);
    }
    if (workload.counts.accepted - lastProgressLog >= Math.max(10, Math.floor(options.rotations / 20))) {
      lastProgressLog = workload.counts.accepted;
      log(`${workload.counts.accepted}/${options.rotations} rotations accepted; faults ${faultsDone}/${plan.length}`);
    }
    await sleep(gapMs);
  }
  await Promise.all(inFlight);
  await churning;
  await faults;
  if (faultError) throw faultError;
  if (churnError) throw churnError;
}

function fail(message: string): never {
  throw new Error(message);
}

function eventCount(histories: Map<unknown, unknown[]>): number {
  let n = 0;
  for (const history of histories.values()) n += history.length;
  return n;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    log(`the chaos run could not be carried out: ${(e as Error).stack ?? String(e)}`);
    process.exit(2);
  },
);
