/**
 * The counts a chaos run prints, what makes it fail, and one machine-readable line
 * (`CHAOS RESULT {...}`) for the smoke test to read.
 */
import { SERVICES } from '@rotor/testing';
import { AuditResult } from './audit';
import { FaultCounts } from './faults';
import { ChaosOptions } from './options';
import { ProbeCounts, Violation } from './probe';
import { WorkloadCounts } from './workload';

export interface ChaosReport {
  options: ChaosOptions;
  seconds: number;
  workload: WorkloadCounts;
  refusals: string[];
  faults: FaultCounts;
  probe: ProbeCounts;
  /** One read of each rotation every this many ms, on average (the pause is --probe-interval-ms). */
  probeAverageIntervalMs: number;
  /** Share of the probe's reads the API answered, outside the Postgres restart and whole-service outages. */
  readAvailability: number;
  probeUnavailableBy: Record<string, number>;
  violations: Violation[];
  audit: AuditResult;
}

/** The summary the smoke test asserts on. */
export interface ChaosResult {
  ok: boolean;
  rotationsAccepted: number;
  jobs: AuditResult['jobs'];
  kills: Record<string, number>;
  killsTotal: number;
  unexpectedExits: number;
  kafkaRestarts: number;
  brokerKills: number;
  redisRestarts: number;
  usersLostRestarts: number;
  /** Per users-lost restart: ms until every served credential authenticated again (null: not within the allowed time). */
  healedWithinMs: Array<number | null>;
  postgresRestarts: number;
  instances: number;
  brokers: number;
  /** Per cent of reads answered with one instance down at a time (outside the Postgres restart and whole-service outages), to two decimals. */
  readAvailabilityPercent: number;
  partitionMoveMs: number[];
  probeReads: number;
  probeAuthenticated: number;
  apiUnavailable: number;
  apiInternalErrors: number;
  redisUnavailable: number;
  staleReads: number;
  awaitingHeal: number;
  violations: number;
  stuck: number;
  overlaps: number;
  lostRequests: number;
  failedWithoutMessage: number;
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

/** Why the run fails; empty when it passes. */
export function failures(r: ChaosReport): string[] {
  const a = r.audit;
  const found: Array<[number, string]> = [
    [r.probe.violations, 'probe violations (the store served a credential Redis rejected, past the allowed heal time after a users-lost restart)'],
    [r.faults.healedWithinMs.filter((ms) => ms === null).length, 'users-lost restarts after which a served credential stayed broken past the allowed time'],
    [a.stuck.length, 'rotations stuck in flight'],
    [a.overlaps.length, 'overlapping rotations of one configuration'],
    [a.lostRequests.length, 'accepted requests missing from the history'],
    [a.failedWithoutMessage.length, 'failures without a message'],
    [a.orphans.length, 'orphan Redis users'],
    [a.foreignUsersChanged.length, 'changes to Redis users Rotor did not create'],
    [a.duplicates.length, 'secret versions written twice for one job'],
    [r.probe.apiInternalErrors, 'secret reads answered 500 instead of 503 (§5.7)'],
    [a.storedForFailedJob.length, 'secret versions stored for a job recorded as failed'],
    [a.unexplainedVersions.length, 'secret versions no single CredentialsRotated explains'],
    [a.versionsVsCompletions.length, 'rotations whose secret versions do not match their completed jobs'],
    [a.activeIndexMismatches.length, 'rotations whose active index differs from the served user'],
  ];
  const why = found.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`);
  // Running several instances is for availability: one down at a time must not show.
  if (r.options.instances > 1 && r.readAvailability < READ_AVAILABILITY_GOAL) {
    why.push(`reads answered ${percent(r.readAvailability)} % of the time with one instance down at a time (goal with ${r.options.instances} instances: ${READ_AVAILABILITY_GOAL * 100} %)`);
  }
  return why;
}

/** With two or more instances of every service, the share of reads the API must answer while one instance is down at a time. */
export const READ_AVAILABILITY_GOAL = 0.999;

function percent(share: number): number {
  return Math.floor(share * 10_000) / 100;
}

export function result(r: ChaosReport): ChaosResult {
  const a = r.audit;
  const why = failures(r);
  return {
    ok: why.length === 0,
    rotationsAccepted: r.workload.accepted,
    jobs: a.jobs,
    kills: r.faults.kills,
    killsTotal: Object.values(r.faults.kills).reduce((x, y) => x + y, 0),
    unexpectedExits: Object.values(r.faults.unexpectedExits).reduce((x, y) => x + y, 0),
    kafkaRestarts: r.faults.kafkaRestarts,
    brokerKills: r.faults.brokerKills,
    redisRestarts: r.faults.redisRestarts,
    usersLostRestarts: r.faults.usersLostRestarts,
    healedWithinMs: r.faults.healedWithinMs,
    postgresRestarts: r.faults.postgresRestarts,
    instances: r.options.instances,
    brokers: r.options.brokers,
    readAvailabilityPercent: percent(r.readAvailability),
    partitionMoveMs: r.faults.partitionMoveMs,
    probeReads: r.probe.reads,
    probeAuthenticated: r.probe.authenticated,
    apiUnavailable: r.probe.apiUnavailable,
    apiInternalErrors: r.probe.apiInternalErrors,
    redisUnavailable: r.probe.redisUnavailable,
    staleReads: r.probe.staleReads,
    awaitingHeal: r.probe.awaitingHeal,
    violations: r.probe.violations,
    stuck: a.stuck.length,
    overlaps: a.overlaps.length,
    lostRequests: a.lostRequests.length,
    failedWithoutMessage: a.failedWithoutMessage.length,
    orphans: a.orphans.length,
    foreignUsersChanged: a.foreignUsersChanged.length,
    duplicates: a.duplicates.length,
    storedForFailedJob: a.storedForFailedJob.length,
    unexplainedVersions: a.unexplainedVersions.length,
    versionsVsCompletions: a.versionsVsCompletions.length,
    activeIndexMismatches: a.activeIndexMismatches.length,
    dlqMessages: a.dlq.length,
    failures: why,
  };
}

export function printReport(r: ChaosReport, log: (line: string) => void): void {
  const a = r.audit;
  const lines: string[] = [];
  const row = (label: string, value: string | number) => lines.push(`  ${label.padEnd(44)} ${value}`);
  lines.push('', `Chaos run: ${r.seconds} s, seed ${r.options.seed}${r.options.smoke ? ' (smoke)' : ''}, ${r.options.instances} instance(s) of each service, ${r.options.brokers} Kafka node(s)`);
  lines.push('rotations');
  row('manual requests accepted', r.workload.accepted);
  row('  refused: one in flight (409)', r.workload.inFlightRefusals);
  row('  API unavailable', r.workload.requestsUnavailable);
  row('  refused otherwise', r.workload.otherRefusals);
  row('jobs requested (initial, manual, scheduled, retry)', a.jobs.requested);
  row('  completed', a.jobs.completed);
  row('  failed, with a message', a.jobs.failed - a.failedWithoutMessage.length);
  row('  ended by deleting the rotation', a.jobs.endedByDelete);
  row('rotations created / deleted (churn)', `${r.workload.created} / ${r.workload.deleted}`);
  lines.push('faults');
  for (const s of SERVICES) row(`kill -9 ${s}`, r.faults.kills[s]);
  row('kills in total', Object.values(r.faults.kills).reduce((x, y) => x + y, 0));
  row('services that exited by themselves', Object.entries(r.faults.unexpectedExits).filter(([, n]) => n > 0).map(([s, n]) => `${s} ${n}`).join(', ') || 0);
  row('Kafka broker restarts', r.faults.kafkaRestarts);
  if (r.options.brokers > 1) row(`kill -9 of one Kafka node (of ${r.options.brokers})`, r.faults.brokerKills);
  if (r.options.instances > 1) {
    const moves = [...r.faults.partitionMoveMs].sort((x, y) => x - y);
    row(
      'partitions of a killed instance moved in (ms)',
      moves.length === 0 ? 'not measured' : `min ${moves[0]}, median ${moves[Math.floor(moves.length / 2)]}, max ${moves[moves.length - 1]} (${moves.length} kills)`,
    );
  }
  row('redis-server restarts', r.faults.redisRestarts);
  row('Redis restarted without its users', r.faults.usersLostRestarts);
  row('  all served credentials authenticate after',
    r.faults.healedWithinMs.map((ms) => (ms === null ? 'NOT within the allowed time' : `${(ms / 1000).toFixed(1)} s`)).join(', ') || '-');
  row('  allowed (verification interval + heal time)', `${r.options.verifyIntervalSeconds} s + ${r.options.healSeconds} s`);
  row('Postgres restarts', r.faults.postgresRestarts);
  lines.push('probe');
  row('reads', `${r.probe.reads} (each rotation read every ${r.probeAverageIntervalMs} ms on average; pause ${r.options.probeIntervalMs} ms)`);
  row('  authenticated', r.probe.authenticated);
  row('  API unavailable (not a violation)', `${r.probe.apiUnavailable} (${Object.entries(r.probeUnavailableBy).map(([k, n]) => `${k}: ${n}`).join(', ') || 'none'})`);
  row('  API answered 500 (must be 503)', r.probe.apiInternalErrors);
  row('  Redis unavailable (not a violation)', r.probe.redisUnavailable);
  row('  stale reads (previous credential retired)', r.probe.staleReads);
  row('  rejected while awaiting the heal (allowed)', r.probe.awaitingHeal);
  row(
    '  read availability, one instance down at a time',
    `${percent(r.readAvailability)} % (${r.probe.readsCounted - r.probe.unavailableCounted} of ${r.probe.readsCounted} reads outside the Postgres restart and whole-service outages; ${r.options.instances} instance(s) of each service)`,
  );
  row('  VIOLATIONS', r.probe.violations);
  lines.push('audit');
  row('stuck in flight', a.stuck.length);
  row('overlapping jobs', a.overlaps.length);
  row('accepted but missing from history', a.lostRequests.length);
  row('orphan Redis users', a.orphans.length);
  row('foreign Redis users changed', a.foreignUsersChanged.length);
  row('secret versions written twice for one job', a.duplicates.length);
  row('versions stored for a failed job', a.storedForFailedJob.length);
  row('versions without one CredentialsRotated', a.unexplainedVersions.length);
  row('versions not matching completed jobs', a.versionsVsCompletions.length);
  row('active index differs from served user', a.activeIndexMismatches.length);
  row('DLQ messages', a.dlq.length);
  for (const line of lines) log(line);

  const details: Array<[string, string[]]> = [
    ['violations', r.violations.map((v) => `${v.at} ${v.label} ${v.kind}: ${v.detail}`)],
    ['stuck', a.stuck.map((f) => `${f.rotation} job ${f.jobId}: ${f.problem}`)],
    ['overlaps', a.overlaps.map((f) => `${f.rotation} job ${f.jobId}: ${f.problem}`)],
    ['lost requests', a.lostRequests.map((f) => `${f.rotation} job ${f.jobId}: ${f.problem}`)],
    ['failed without message', a.failedWithoutMessage.map((f) => `${f.rotation} job ${f.jobId}`)],
    ['orphans', a.orphans],
    ['foreign users changed', a.foreignUsersChanged],
    ['duplicates', a.duplicates],
    ['stored for a failed job', a.storedForFailedJob],
    ['versions without one CredentialsRotated', a.unexplainedVersions],
    ['versions not matching completed jobs', a.versionsVsCompletions],
    ['active index mismatches', a.activeIndexMismatches],
    ['other refusals', r.refusals],
    ['DLQ', a.dlq.map((m) => `${m.topic} ${m.type} key ${m.key} group ${m.consumerGroup} after ${m.attempts} attempt(s) at ${m.failedAt}: ${m.error}`)],
  ];
  for (const [title, items] of details) {
    if (items.length === 0) continue;
    log(`${title}:`);
    for (const item of items.slice(0, 50)) log(`  ${item}`);
    if (items.length > 50) log(`  … and ${items.length - 50} more (see the JSON report)`);
  }
  const why = failures(r);
  log(why.length === 0 ? 'PASS: no invariant broken' : `FAIL: ${why.join('; ')}`);
  console.log(`CHAOS RESULT ${JSON.stringify(result(r))}`);
}
