/**
 * npm run bench:verification — the load continuous verification puts on one Redis (a
 * benchmark, not a test).
 *
 * Starts a redis-server of its own (no aclfile), gives BENCH_ROTATIONS (default 10,000)
 * rotations an active user each on it, records them as served in a scratch executor database
 * (rotor_test[_l<lane>]_bench_verification), all due at once — the worst case, a backlog after
 * downtime — and runs the real VerificationLoop for BENCH_SECONDS (default 30) at
 * ROTOR_VERIFY_MAX_PER_SECOND (default 50). Prints checks per second, the Redis connections
 * and commands per second they cost, Redis' own CPU, and how long a full pass over every
 * rotation takes at that rate against the verification interval (ROTOR_VERIFY_INTERVAL_SECONDS,
 * default 300). BENCH_UNLIMITED=1 adds a run without the rate limit: the ceiling on this machine.
 *
 * The stated rate: one executor checks at most ROTOR_VERIFY_MAX_PER_SECOND rotations a second
 * (a round claims that many, rounds start at least a second apart), so over any W seconds at
 * most (W + 1) × the limit; it prints the busiest 10 s window against that bound.
 */
import { EnvelopeCipher } from '@rotor/crypto';
import { EVENT_STORE_MIGRATIONS, createDataSource } from '@rotor/event-store';
import { rotorUsername } from '@rotor/rotation-domain';
import { ADMIN_PASSWORD, ADMIN_USER, RedisFleet, testDatabaseUrl } from '@rotor/testing';
import { systemClock } from '@rotor/util';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../src/migrations';
import { createRotationProviders } from '../src/providers';
import { VerificationLoop } from '../src/verification/verification-loop';
import { VerificationSettings } from '../src/verification/verification-outcome';

const ROTATIONS = Number(process.env['BENCH_ROTATIONS'] ?? 10_000);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 30);
const MAX_PER_SECOND = Number(process.env['ROTOR_VERIFY_MAX_PER_SECOND'] ?? 50);
const INTERVAL_SECONDS = Number(process.env['ROTOR_VERIFY_INTERVAL_SECONDS'] ?? 300);
const CONCURRENCY = Number(process.env['ROTOR_VERIFY_CONCURRENCY'] ?? 8);
/** Seconds of the window the peak rate is measured over. */
const WINDOW = 10;

interface RedisStats { connections: number; commands: number; cpu: number }

async function main(): Promise<void> {
  const fleet = new RedisFleet();
  const cipher = new EnvelopeCipher(randomBytes(32));
  const url = await testDatabaseUrl('bench_verification', [...EVENT_STORE_MIGRATIONS, ...MIGRATIONS]);
  const ds = createDataSource({ url });
  await ds.initialize();
  try {
    const redis = await fleet.start();
    console.log(`seeding ${ROTATIONS.toLocaleString('en')} rotations on redis-server ${redis.name} …`);
    await seed(ds, cipher, redis.host, redis.port);
    const stats = async (): Promise<RedisStats> => {
      const info = await redis.withAdmin((c) => c.info());
      const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
      return { connections: field('total_connections_received'), commands: field('total_commands_processed'), cpu: field('used_cpu_sys') + field('used_cpu_user') };
    };

    const runs: Array<[string, number]> = [[`limited to ${MAX_PER_SECOND}/s`, MAX_PER_SECOND]];
    if (process.env['BENCH_UNLIMITED'] === '1') runs.push(['no rate limit (ceiling)', 100_000]);
    for (const [label, maxPerSecond] of runs) {
      await ds.query('UPDATE verification_targets SET verify_at = now() - interval \'1 second\', last_status = NULL');
      const settings: VerificationSettings = { intervalMs: INTERVAL_SECONDS * 1000, maxPerSecond, retryBaseMs: 15_000, concurrency: CONCURRENCY };
      const loop = new VerificationLoop({
        ds, clock: systemClock, cipher, providers: createRotationProviders({ cipher }), settings,
        logger: { log: () => undefined, warn: (m) => console.warn(m), error: (m) => console.error(m) },
        onResult: () => {
          const second = Math.floor((performance.now() - started) / 1000);
          bySecond[second] = (bySecond[second] ?? 0) + 1;
        },
      });
      const bySecond: number[] = [];
      const before = await stats();
      const started = performance.now();
      loop.start();
      await new Promise((r) => setTimeout(r, SECONDS * 1000));
      await loop.stop();
      const elapsed = (performance.now() - started) / 1000;
      const after = await stats();
      const [{ checked, healthy }] = await ds.query(
        `SELECT count(*) FILTER (WHERE last_status IS NOT NULL)::int AS checked, count(*) FILTER (WHERE last_status = 'healthy')::int AS healthy FROM verification_targets`,
      );
      const perSecond = checked / elapsed;
      console.log(`\n${label}, ${CONCURRENCY} at once, ${elapsed.toFixed(1)} s:`);
      console.log(`  checks            ${checked.toLocaleString('en')} (${healthy.toLocaleString('en')} healthy) = ${perSecond.toFixed(1)}/s`);
      console.log(`  Redis connections ${((after.connections - before.connections) / elapsed).toFixed(1)}/s (${((after.connections - before.connections) / Math.max(1, checked)).toFixed(2)} per check)`);
      console.log(`  Redis commands    ${((after.commands - before.commands) / elapsed).toFixed(1)}/s`);
      console.log(`  Redis CPU         ${(((after.cpu - before.cpu) / elapsed) * 100).toFixed(1)} % of one core`);
      const counts = Array.from({ length: Math.ceil(elapsed) }, (_, i) => bySecond[i] ?? 0);
      let peak = 0;
      for (let i = 0; i + WINDOW <= counts.length; i++) peak = Math.max(peak, counts.slice(i, i + WINDOW).reduce((a, b) => a + b, 0) / WINDOW);
      const bound = (maxPerSecond * (WINDOW + 1)) / WINDOW;
      if (maxPerSecond < 100_000) {
        console.log(`  busiest ${WINDOW} s     ${peak.toFixed(1)} checks/s; stated rate ${maxPerSecond}/s per executor (at most ${bound.toFixed(0)}/s over ${WINDOW} s): ${peak <= bound ? 'stays under' : 'ABOVE the stated rate'}`);
      }
      const passSeconds = ROTATIONS / perSecond;
      console.log(`  a full pass over ${ROTATIONS.toLocaleString('en')} rotations: ${passSeconds.toFixed(0)} s (interval ${INTERVAL_SECONDS} s: ${passSeconds <= INTERVAL_SECONDS ? 'fits' : 'does NOT fit; raise the rate or the interval'})`);
    }
  } finally {
    await ds.destroy();
    await fleet.stopAll();
  }
}

/** One served user per rotation, set on Redis in a pipeline, and its row, sealed as the executor keeps it. */
async function seed(ds: DataSource, cipher: EnvelopeCipher, host: string, port: number): Promise<void> {
  const projectId = 'bench-project';
  const connectionId = randomUUID();
  const connection = {
    connectionId, host, port, username: ADMIN_USER,
    password: cipher.seal(ADMIN_PASSWORD, { projectId, owner: connectionId, field: 'password' }),
    tls: { enabled: false, caCertificate: null, rejectUnauthorized: true, servername: null },
    topology: { type: 'single' as const },
  };
  const { Redis } = await import('ioredis');
  const admin = new Redis({ host, port, username: ADMIN_USER, password: ADMIN_PASSWORD, lazyConnect: true });
  await admin.connect();
  try {
    for (let start = 0; start < ROTATIONS; start += 1000) {
      const rows: unknown[][] = [];
      const pipeline = admin.pipeline();
      for (let i = start; i < Math.min(ROTATIONS, start + 1000); i++) {
        const rotationId = randomUUID();
        const username = rotorUsername(rotationId, 0);
        const password = randomBytes(24).toString('base64url');
        pipeline.call('ACL', 'SETUSER', username, 'reset', 'on', `>${password}`, '~*', '+@all');
        const sealed = cipher.seal(password, { projectId, owner: rotationId, field: 'password' });
        rows.push([rotationId, projectId, JSON.stringify(connection), JSON.stringify({ '0': { username, password: sealed, generation: 1 } })]);
      }
      await pipeline.exec();
      const values = rows.map((_, k) => `($${k * 4 + 1}, $${k * 4 + 2}, 'redis-credentials', $${k * 4 + 3}::jsonb, $${k * 4 + 4}::jsonb, 0, 1, now())`).join(', ');
      await ds.query(
        `INSERT INTO verification_targets (rotation_id, project_id, provider, connection, credentials, active_index, active_generation, verify_at) VALUES ${values}`,
        rows.flat(),
      );
    }
  } finally {
    admin.disconnect();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
