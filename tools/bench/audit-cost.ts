/**
 * The cost of the audit log on secret reads: the same burst of reads through the gateway with
 * every read recorded (the default), then with GATEWAY_AUDIT_READS=false (the gateway
 * restarted), on the same data. Reads are what auditing makes slower (a transaction per read,
 * serialized per project on its chain head); changes pay the same transaction but are rarer.
 */
import type { Platform } from '@rotor/testing';
import { BenchHttp } from './http-client';
import { LatencySummary, round, summarize } from './stats';

export interface ReadBurst {
  reads: number;
  failed: number;
  seconds: number;
  perSecond: number;
  latencyMs: LatencySummary;
}

export interface AuditCostReport {
  reads: number;
  concurrency: number;
  audited: ReadBurst;
  unaudited: ReadBurst;
  /** (unaudited − audited) / unaudited throughput, in percent. */
  throughputCostPercent: number;
  p50CostMs: number;
  p99CostMs: number;
}

export async function measureAuditCost(
  platform: Platform,
  makeApi: () => BenchHttp,
  secretsPath: string,
  opts: { reads: number; concurrency: number; log: (m: string) => void },
): Promise<AuditCostReport> {
  let api = makeApi();
  try {
    await readBurst(api, secretsPath, Math.min(50, opts.reads), opts.concurrency); // warm-up
    const audited = await readBurst(api, secretsPath, opts.reads, opts.concurrency);
    opts.log(`audit cost: ${opts.reads} reads audited → ${audited.perSecond}/s, p99 ${audited.latencyMs.p99} ms; restarting the gateway without read auditing`);
    api.close();
    await platform.stop('gateway');
    await platform.start('gateway', { GATEWAY_AUDIT_READS: 'false' });
    api = makeApi();
    await readBurst(api, secretsPath, Math.min(50, opts.reads), opts.concurrency);
    const unaudited = await readBurst(api, secretsPath, opts.reads, opts.concurrency);
    opts.log(`audit cost: ${opts.reads} reads not audited → ${unaudited.perSecond}/s, p99 ${unaudited.latencyMs.p99} ms`);
    return {
      reads: opts.reads,
      concurrency: opts.concurrency,
      audited,
      unaudited,
      throughputCostPercent: unaudited.perSecond > 0 ? round((100 * (unaudited.perSecond - audited.perSecond)) / unaudited.perSecond, 1) : 0,
      p50CostMs: round(audited.latencyMs.p50 - unaudited.latencyMs.p50),
      p99CostMs: round(audited.latencyMs.p99 - unaudited.latencyMs.p99),
    };
  } finally {
    api.close();
    // The rest of the run (and any later one) uses the default: every read recorded.
    if (platform.isRunning('gateway')) await platform.stop('gateway');
    await platform.start('gateway');
  }
}

async function readBurst(api: BenchHttp, path: string, reads: number, concurrency: number): Promise<ReadBurst> {
  const latencies: number[] = [];
  let failed = 0;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < reads) {
        next++;
        const start = performance.now();
        try {
          const res = await api.call('GET', path);
          if (res.status !== 200) failed++;
        } catch {
          failed++;
        }
        latencies.push(performance.now() - start);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  return { reads, failed, seconds: round(seconds), perSecond: round(reads / seconds), latencyMs: summarize(latencies) };
}

export function auditCostLines(r: AuditCostReport): string[] {
  return [
    `Audit log cost on secret reads (${r.reads} reads, ${r.concurrency} in flight)`,
    `  every read recorded:   ${r.audited.perSecond}/s, p50 ${r.audited.latencyMs.p50} ms, p99 ${r.audited.latencyMs.p99} ms, ${r.audited.failed} failed`,
    `  reads not recorded:    ${r.unaudited.perSecond}/s, p50 ${r.unaudited.latencyMs.p50} ms, p99 ${r.unaudited.latencyMs.p99} ms, ${r.unaudited.failed} failed`,
    `  cost of auditing:      ${r.throughputCostPercent}% throughput, +${r.p50CostMs} ms p50, +${r.p99CostMs} ms p99`,
  ];
}
