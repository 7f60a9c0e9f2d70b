/** The JSON the bench writes, and the table it prints. */
import type { Service } from '@rotor/testing';
import type { KafkaCeiling, PostgresCeiling, RedisCeiling } from './ceilings';
import type { HopFloor } from './hop-floor';
import type { HopSummary } from './hops';
import { AuditCostReport, auditCostLines } from './audit-cost';
import { LatencySummary, round } from './stats';

export interface ResourceReport {
  seconds: number;
  services: Record<Service, { cpuSeconds: number; peakRssMB: number }>;
  servicesCpuSeconds: number;
  servicesShare: number;
  kafka: { cpuSeconds: number; share: number; peakRssMB: number };
  postgres: { cpuSeconds: number; share: number; processes: number };
  redis: { cpuSeconds: number; share: number };
  bench: { cpuSeconds: number; share: number };
  machine: { busySeconds: number; capacitySeconds: number; utilization: number; otherBusySeconds: number };
}

export interface PhaseReport {
  name: string;
  requested: number;
  completed: number;
  failed: number;
  errors: string[];
  retriedRequests: number;
  /** First request sent → last rotation authenticated. */
  seconds: number;
  rotationsPerSecond: number;
  /** From the rotate-secrets request being sent to: its answer, SecretsUpdated seen, the read API answering the new versions, AUTH done. */
  latencyMs: { accepted: LatencySummary; stored: LatencySummary; readable: LatencySummary; authenticated: LatencySummary };
  kafkaMessages: number;
  kafkaMessagesPerSecond: number;
  postgresCommits: number;
  postgresCommitsPerSecond: number;
  postgresCommitsByDatabase: Record<string, number>;
  /** Statements the services sent to Postgres during the phase (rotor_postgres_statements_total), all and per completed rotation. */
  postgresStatements: number;
  postgresStatementsPerRotation: number;
  postgresStatementsPerRotationByService: Record<string, number>;
  resources: ResourceReport;
  /** CPU ms per completed rotation: each service, services, kafka, postgres, redis, bench, and rotor (all but the bench). */
  cpuMsPerRotation: Record<string, number>;
  targetRate?: number;
  /** Event by event: appended → published (relay), appended → claimed by each consumer → its answer appended (hops.ts). */
  hops: HopSummary[];
  /** Each service's memory as its /metrics tells it, right after the phase. */
  heapAfter?: Record<string, Record<string, number>>;
}

export interface Ratio {
  name: string;
  rotor: number;
  ceiling: number;
  unit: string;
  /** rotor / ceiling */
  ratio: number;
}

export interface BenchReport {
  version: 1;
  mode: 'full' | 'smoke';
  startedAt: string;
  finishedAt: string;
  options: object;
  machine: { cpus: number; memoryGiB: number; node: string; loadavg: number[] };
  /** `pacedHop`: the hop floor with the chains started at the fixed-rate phase's rate (absent in older reports). */
  ceilings: { redis: RedisCeiling; kafka: KafkaCeiling; postgres: PostgresCeiling; hop: HopFloor; pacedHop?: HopFloor };
  rotor: {
    /** A stretch with nothing to do, before the first rotation is created. */
    idle?: ResourceReport;
    create: { requested: number; created: number; errors: string[]; seconds: number; perSecond: number; resources: ResourceReport };
    burst: PhaseReport;
    fixedRate: PhaseReport | null;
    auditCost?: AuditCostReport;
  };
  ratios: Ratio[];
  /**
   * The least CPU a rotation can cost with this architecture: the deliveries a rotation's events
   * get handled with (inbox claims per completed rotation, burst) times the measured hop floor.
   */
  floor?: { handledDeliveriesPerRotation: number; cpuMsPerHop: number; cpuMsPerRotation: number };
  /**
   * The same at the fixed rate: a chain of hops a rotation's worth (started at that rate, so the
   * hops mostly travel alone), its CPU, and how long a hop takes (a rotation waits for at least
   * three in a row); beside the deliveries a rotation got handled with in the fixed-rate phase.
   */
  pacedFloor?: { rate: number; handledDeliveriesPerRotation: number; hopsPerChain: number; cpuMsPerChain: number; hopLatencyMs: LatencySummary };
  goals: Array<{ goal: string; target: string; value: number; met: boolean }>;
}

export function ratio(name: string, rotor: number, ceiling: number, unit: string): Ratio {
  return { name, rotor, ceiling: round(ceiling), unit, ratio: ceiling > 0 ? round(rotor / ceiling, 3) : 0 };
}

function table(rows: Array<Array<string | number>>, header?: string[]): string {
  const all = header ? [header, ...rows] : rows;
  const widths = all[0].map((_, i) => Math.max(...all.map((r) => String(r[i] ?? '').length)));
  const line = (r: Array<string | number>) =>
    r.map((c, i) => (typeof c === 'number' ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join('  ');
  const out = all.map(line);
  if (header) out.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return out.map((l) => `  ${l}`).join('\n');
}

function phaseRows(p: PhaseReport): string {
  const l = p.latencyMs;
  const lat = (name: string, s: LatencySummary) => [name, s.p50, s.p95, s.p99, s.max];
  return [
    `${p.name}: ${p.completed}/${p.requested} completed (${p.failed} failed) in ${p.seconds} s → ${p.rotationsPerSecond} rotations/s` +
      (p.targetRate ? ` (target ${p.targetRate}/s)` : ''),
    table([lat('accepted', l.accepted), lat('stored (SecretsUpdated)', l.stored), lat('readable (API)', l.readable), lat('authenticated', l.authenticated)],
      ['latency from request, ms', 'p50', 'p95', 'p99', 'max']),
    table(
      [
        ...Object.entries(p.resources.services).map(([s, r]) => [s, r.cpuSeconds, r.peakRssMB, '']),
        ['kafka broker', p.resources.kafka.cpuSeconds, p.resources.kafka.peakRssMB, pct(p.resources.kafka.share)],
        ['postgres', p.resources.postgres.cpuSeconds, '', pct(p.resources.postgres.share)],
        ['redis-server', p.resources.redis.cpuSeconds, '', pct(p.resources.redis.share)],
        ['bench (client)', p.resources.bench.cpuSeconds, '', pct(p.resources.bench.share)],
        ['all five services', p.resources.servicesCpuSeconds, '', pct(p.resources.servicesShare)],
        ['machine busy / capacity', `${p.resources.machine.busySeconds} / ${p.resources.machine.capacitySeconds}`, '',
          `other ${p.resources.machine.otherBusySeconds} s`],
      ],
      ['process', 'CPU s', 'peak RSS MB', 'CPU share'],
    ),
    `  CPU per rotation: ${p.cpuMsPerRotation['rotor']} ms for Rotor (services ${p.cpuMsPerRotation['services']}, ` +
      `Kafka ${p.cpuMsPerRotation['kafka']}, Postgres ${p.cpuMsPerRotation['postgres']}, Redis ${p.cpuMsPerRotation['redis']}), ` +
      `bench client ${p.cpuMsPerRotation['bench']}\n` +
    `  Kafka: ${p.kafkaMessages} messages (${p.kafkaMessagesPerSecond}/s); Postgres: ${p.postgresCommits} commits (${p.postgresCommitsPerSecond}/s: ` +
      `${Object.entries(p.postgresCommitsByDatabase).map(([db, n]) => `${db.replace(/^rotor_/, '')} ${n}`).join(', ')})\n` +
    `  Postgres statements per rotation: ${p.postgresStatementsPerRotation} (` +
      `${Object.entries(p.postgresStatementsPerRotationByService).map(([s, n]) => `${s} ${n}`).join(', ')})` +
      (p.errors.length ? `\n  first errors:\n    ${p.errors.join('\n    ')}` : ''),
    ...(p.hops.length
      ? [table(p.hops.map((h) => [h.hop, h.latencyMs.count, h.latencyMs.p50, h.latencyMs.p99, h.latencyMs.max]), ['hop (ms)', 'events', 'p50', 'p99', 'max'])]
      : []),
  ].join('\n');
}

function pct(share: number): string {
  return `${round(share * 100, 1)}%`;
}

export function printReport(r: BenchReport): void {
  const c = r.ceilings;
  const out = [
    '',
    `Rotor bench (${r.mode}) — ${r.machine.cpus} cores, ${r.machine.memoryGiB} GiB, node ${r.machine.node}, load ${r.machine.loadavg.join(' ')}`,
    '',
    'Ceilings of the raw parts',
    table([
      ['Redis ACL SETUSER + fresh AUTH', `${c.redis.opsPerSecond}/s`, `p50 ${c.redis.latencyMs.p50} ms, p99 ${c.redis.latencyMs.p99} ms (${c.redis.workers} workers)`],
      ['Kafka produce→consume round trip', `p50 ${c.kafka.roundTripMs.p50} ms`, `p99 ${c.kafka.roundTripMs.p99} ms`],
      ['Kafka throughput (1 KB, acks=all)', `${c.kafka.messagesPerSecond}/s`, `${c.kafka.messages} messages`],
      ['Postgres BEGIN; INSERT; COMMIT', `${c.postgres.transactionsPerSecond}/s`, `p50 ${c.postgres.latencyMs.p50} ms, p99 ${c.postgres.latencyMs.p99} ms (${c.postgres.clients} clients)`],
      ['one event hop (claim + outbox, publish)', `${c.hop.hopsPerSecond}/s`,
        `CPU ${c.hop.cpuMsPerHop.total} ms a hop (node ${c.hop.cpuMsPerHop.node}, Postgres ${c.hop.cpuMsPerHop.postgres}, ` +
          `Kafka ${c.hop.cpuMsPerHop.kafka}; ${c.hop.chains} chains × ${c.hop.hopsPerChain} hops)`],
      ...(c.pacedHop
        ? [[`the same hop, paced (${c.pacedHop.chainsPerSecond} chains/s)`, `${c.pacedHop.hopsPerSecond}/s`,
            `CPU ${c.pacedHop.cpuMsPerHop.total} ms a hop (node ${c.pacedHop.cpuMsPerHop.node}, Postgres ${c.pacedHop.cpuMsPerHop.postgres}, ` +
              `Kafka ${c.pacedHop.cpuMsPerHop.kafka}); a hop p50 ${c.pacedHop.hopLatencyMs?.p50} ms, p99 ${c.pacedHop.hopLatencyMs?.p99} ms`]]
        : []),
    ]),
    '',
    ...(r.rotor.idle ? [idleLine(r.rotor.idle)] : []),
    `create: ${r.rotor.create.created}/${r.rotor.create.requested} rotations in ${r.rotor.create.seconds} s (${r.rotor.create.perSecond}/s)`,
    '',
    phaseRows(r.rotor.burst),
    ...(r.rotor.fixedRate ? ['', phaseRows(r.rotor.fixedRate)] : []),
    ...(r.rotor.auditCost ? ['', ...auditCostLines(r.rotor.auditCost)] : []),
    '',
    'Rotor beside its ceilings',
    table(r.ratios.map((x) => [x.name, `${x.rotor} ${x.unit}`, `${x.ceiling} ${x.unit}`, x.ratio]), ['figure', 'Rotor', 'ceiling', 'ratio']),
    '',
    'Goals',
    table(r.goals.map((g) => [g.goal, g.target, g.value, g.met ? 'met' : 'NOT met']), ['goal', 'target', 'measured', '']),
    ...(r.floor
      ? [
          `  floor of the event path: ${r.floor.handledDeliveriesPerRotation} handled deliveries a rotation × ` +
            `${r.floor.cpuMsPerHop} ms a hop = ${r.floor.cpuMsPerRotation} ms CPU a rotation, before any domain work, HTTP or Redis`,
        ]
      : []),
    ...(r.pacedFloor
      ? [
          `  at ${r.pacedFloor.rate}/s (${r.pacedFloor.handledDeliveriesPerRotation} handled deliveries a rotation): chains of ` +
            `${r.pacedFloor.hopsPerChain} paced hops = ${r.pacedFloor.cpuMsPerChain} ms CPU a chain; ` +
            `a paced hop takes p50 ${r.pacedFloor.hopLatencyMs.p50} ms, p99 ${r.pacedFloor.hopLatencyMs.p99} ms`,
        ]
      : []),
    '',
  ];
  process.stdout.write(out.join('\n') + '\n');
}

/** CPU with nothing to do, in % of one core: what the platform costs per second of being up. */
function idleLine(idle: ResourceReport): string {
  const pct = (cpuSeconds: number) => round((100 * cpuSeconds) / Math.max(idle.seconds, 0.001), 1);
  const each = Object.entries(idle.services).map(([s, u]) => `${s} ${pct(u.cpuSeconds)}`).join(', ');
  return (
    `idle (${idle.seconds} s, nothing to do), % of one core: services ${pct(idle.servicesCpuSeconds)} (${each}), ` +
    `Kafka ${pct(idle.kafka.cpuSeconds)}, Postgres ${pct(idle.postgres.cpuSeconds)}`
  );
}
