/**
 * npm run bench:scheduler — the scheduler's due scan at scale (a benchmark, not a test).
 *
 * Seeds BENCH_ROWS (default 1,000,000) schedules into a scratch database
 * (rotor_bench_scheduler, dropped and recreated), then prints:
 *   - one due scan (the due loop's claim query, a batch of 100) when nothing is due;
 *   - the same scan, and a count of everything due, when BENCH_DUE (default 10,000) are due;
 *   - the time the due loop takes to fire all of them (outbox writes included, no rate limit);
 *   - the memory (RSS, heap) of this process, which runs the real DueLoop.
 * Needs only Postgres (PGHOST/PGPORT/PGUSER, default 127.0.0.1:5432 postgres). The scratch
 * database is dropped at the end unless BENCH_KEEP=1.
 */
import { DEFAULT_RETRY_POLICY } from '@rotor/rotation-domain';
import { systemClock } from '@rotor/util';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createAppDataSource } from '../src/data-source';
import { DueLoop } from '../src/due-loop/due-loop';
import { ScheduleRepository } from '../src/schedule/schedule.repository';

const DATABASE = 'rotor_bench_scheduler';
const ROWS = Number(process.env['BENCH_ROWS'] ?? 1_000_000);
const DUE = Number(process.env['BENCH_DUE'] ?? 10_000);
const BATCH = 100;
const RUNS = 20;

function serverUrl(database: string): string {
  return `postgres://${process.env['PGUSER'] ?? 'postgres'}@${process.env['PGHOST'] ?? '127.0.0.1'}:${process.env['PGPORT'] ?? '5432'}/${database}`;
}

async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl('postgres') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await fn();
  return [result, performance.now() - start];
}

/** One claim as the due loop runs it, rolled back so the scan can be repeated. */
async function dueScan(ds: DataSource): Promise<{ ms: number; claimed: number }> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction();
    const [claimed, ms] = await timed(() => ScheduleRepository.claimDue(runner.manager, new Date(), BATCH));
    await runner.rollbackTransaction();
    return { ms, claimed: claimed.length };
  } finally {
    await runner.release();
  }
}

async function scanStats(ds: DataSource): Promise<string> {
  const scans: { ms: number; claimed: number }[] = [];
  for (let i = 0; i < RUNS; i++) scans.push(await dueScan(ds));
  const sorted = scans.map((s) => s.ms).sort((a, b) => a - b);
  return `first ${fmt(scans[0].ms)}, median ${fmt(sorted[Math.floor(RUNS / 2)])}, max ${fmt(sorted[RUNS - 1])} ` +
    `(${RUNS} runs, ${scans[0].claimed} claimed per scan)`;
}

function fmt(ms: number): string {
  return ms < 10 ? `${ms.toFixed(2)} ms` : `${ms.toFixed(0)} ms`;
}

function memory(): string {
  const m = process.memoryUsage();
  return `RSS ${(m.rss / 2 ** 20).toFixed(0)} MiB, heap used ${(m.heapUsed / 2 ** 20).toFixed(0)} MiB`;
}

async function main(): Promise<void> {
  console.log(`[bench:scheduler] ${ROWS.toLocaleString('en')} schedules, ${DUE.toLocaleString('en')} due, batch ${BATCH}`);
  await admin(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${DATABASE}`);
  const ds = await createAppDataSource(serverUrl(DATABASE)).initialize();
  try {
    await ds.runMigrations();

    // Spread over the next 30 days, none due yet. Generated fire_at and the partial index
    // are maintained by the insert itself, as in production.
    const [, seedMs] = await timed(() =>
      ds.query(
        `INSERT INTO schedules (rotation_id, project_id, enabled, interval_days, rotate_at_utc, next_due_at, generation, status)
         SELECT 'bench-' || lpad(g::text, 7, '0'), 'project-' || (g % 100), g % 20 <> 0, 1 + g % 365, '10:00',
                now() + interval '1 hour' + (g % 2592000) * interval '1 second', 1, 'scheduled'
         FROM generate_series(1, $1::int) AS g`,
        [ROWS],
      ),
    );
    await ds.query('ANALYZE schedules');
    const [{ size }]: { size: string }[] = await ds.query(
      `SELECT pg_size_pretty(pg_relation_size('schedules_fire_at_idx')) AS size`,
    );
    console.log(`seeded in ${(seedMs / 1000).toFixed(1)} s; fire_at index ${size}`);

    console.log(`due scan, nothing due:        ${await scanStats(ds)}`);

    await ds.query(
      `UPDATE schedules SET next_due_at = now() - (random() * interval '1 hour'), enabled = true
       WHERE rotation_id IN (SELECT 'bench-' || lpad(g::text, 7, '0') FROM generate_series(1, $1::int) AS g
                             WHERE g % (GREATEST($1::int / $2::int, 1)) = 0 LIMIT $2::int)`,
      [ROWS, DUE],
    );
    const [[{ due }], countMs] = await timed<{ due: number }[]>(() =>
      ds.query('SELECT count(*)::int AS due FROM schedules WHERE fire_at <= now()'),
    );
    console.log(`due scan, ${due.toLocaleString('en')} due:        ${await scanStats(ds)}`);
    console.log(`count of every due row:       ${fmt(countMs)}`);

    const plan: { 'QUERY PLAN': string }[] = await ds.query(
      `EXPLAIN SELECT rotation_id FROM schedules WHERE fire_at <= now() ORDER BY fire_at, rotation_id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
    );
    console.log(`plan: ${plan.map((p) => p['QUERY PLAN'].trim()).join(' | ')}`);

    console.log(`memory before firing:         ${memory()}`);
    const loop = new DueLoop(ds, systemClock, {
      rules: { leaseMs: 300_000, retryPolicy: DEFAULT_RETRY_POLICY, unit: 'days', random: Math.random },
      batchSize: BATCH,
      maxPerSecond: 1_000_000,
      maxSleepMs: 30_000,
      listen: false,
    });
    let peakRss = process.memoryUsage().rss;
    const [fired, fireMs] = await timed(async () => {
      let total = 0;
      for (;;) {
        const { claimed } = await loop.tick();
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
        if (claimed === 0) return total;
        total += claimed;
      }
    });
    console.log(
      `fired ${fired.toLocaleString('en')} due schedules in ${(fireMs / 1000).toFixed(2)} s ` +
        `(${Math.round(fired / (fireMs / 1000)).toLocaleString('en')}/s unthrottled; production default is 50/s)`,
    );
    console.log(`memory after firing:          ${memory()}; peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB`);
    console.log(`due scan, after firing:       ${await scanStats(ds)}`);
  } finally {
    await ds.destroy();
    if (process.env['BENCH_KEEP'] !== '1') await admin(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  }
}

main().catch((e) => {
  console.error(`[bench:scheduler] failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
