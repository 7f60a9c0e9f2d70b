/**
 * The faults of a run, planned up front from the seed and injected one at a time as the
 * rotations progress: each fault has a point (a share of the requested rotations) at which
 * it fires, so faults are spread over the whole run rather than bunched at its start.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { Platform, RedisServer, SERVICES, Service } from '@rotor/testing';
import { Random, sleep } from './random';

const run = promisify(execFile);

export type Fault =
  | { kind: 'kill'; service: Service; downMs: number }
  | { kind: 'kafka' }
  | { kind: 'redis' }
  /** redis-server restarted without Rotor's users (an aclfile restored without them, a rebuilt node). */
  | { kind: 'redis-users-lost' }
  | { kind: 'postgres'; downMs: number };

export interface PlannedFault {
  fault: Fault;
  /** Fires once this many manual rotations were accepted. */
  atRotation: number;
  /** Extra random delay after that point, so a kill lands at any step of the work in flight. */
  jitterMs: number;
}

export interface FaultPlanInput {
  rotations: number;
  kills: number;
  minKillsPerService: number;
  /** Kills of the secret-store that last longer than the rotation lease. */
  longOutages: number;
  leaseMs: number;
  kafkaRestarts: number;
  redisRestarts: number;
  /** Restarts of redis-server that lose every Rotor user: continuous verification must heal them. */
  usersLostRestarts: number;
  restartPostgres: boolean;
}

export function planFaults(input: FaultPlanInput, random: Random): PlannedFault[] {
  const faults: Fault[] = [];
  const guaranteed = SERVICES.flatMap((s) => Array.from({ length: input.minKillsPerService }, () => s));
  const kills = [...guaranteed, ...Array.from({ length: Math.max(0, input.kills - guaranteed.length) }, () => random.pick(SERVICES))];
  for (const service of kills) faults.push({ kind: 'kill', service, downMs: random.int(0, 3000) });
  // The secret-store down past the lease: the scheduler declares its jobs failed while their
  // credentials wait in Kafka for it; what it stores when it is back must still authenticate.
  for (let i = 0; i < input.longOutages; i++) faults.push({ kind: 'kill', service: 'secret-store', downMs: input.leaseMs + random.int(10_000, 20_000) });
  for (let i = 0; i < input.kafkaRestarts; i++) faults.push({ kind: 'kafka' });
  for (let i = 0; i < input.redisRestarts; i++) faults.push({ kind: 'redis' });
  for (let i = 0; i < input.usersLostRestarts; i++) faults.push({ kind: 'redis-users-lost' });
  // Down for seconds, as a failover or a slow restart would be, not just the blink of a restart.
  if (input.restartPostgres) faults.push({ kind: 'postgres', downMs: random.int(3000, 8000) });
  random.shuffle(faults);
  // Evenly spaced points between 5 % and 90 % of the run, each nudged at random within its slot.
  const first = Math.floor(input.rotations * 0.05);
  const span = Math.max(1, Math.floor(input.rotations * 0.85));
  const slot = span / Math.max(1, faults.length);
  return faults.map((fault, i) => ({
    fault,
    atRotation: Math.min(input.rotations - 1, first + Math.floor(i * slot + random.next() * slot)),
    jitterMs: random.int(0, 1500),
  }));
}

export function describeFault(f: Fault): string {
  switch (f.kind) {
    case 'kill':
      return `kill -9 ${f.service} (down ${f.downMs} ms)`;
    case 'kafka':
      return 'restart the Kafka broker';
    case 'redis':
      return 'restart redis-server';
    case 'redis-users-lost':
      return 'Redis restarted without its users';
    case 'postgres':
      return `restart Postgres (down ${f.downMs} ms)`;
  }
}

export interface FaultCounts {
  kills: Record<Service, number>;
  /** Exits nobody caused: each is a finding. */
  unexpectedExits: Record<Service, number>;
  kafkaRestarts: number;
  redisRestarts: number;
  usersLostRestarts: number;
  /** Per users-lost fault: ms from the restart until every probed rotation's served credential authenticated again (null: not within the window). */
  healedWithinMs: Array<number | null>;
  postgresRestarts: number;
}

/**
 * What the injector needs from the probe around a users-lost fault: the window in which a
 * served credential Redis rejects is awaited healing rather than a violation, and a wait until
 * every probed rotation's served credential authenticates again.
 */
export interface HealWatch {
  /** How long after the restart a served credential may stay broken: the verification interval plus the heal time. */
  readonly allowedMs: number;
  /**
   * Redis is about to lose Rotor's users: from `from`, a rejected served credential is awaited
   * healing. The answer ends that window `allowedMs` after the restart it is given.
   */
  usersLost(from: number): (restartedAt: number) => void;
  /** Resolves true once every probed rotation authenticated on a read started after `since`, false at `deadline`. */
  allHealedSince(since: number, deadline: number): Promise<boolean>;
}

/**
 * Carries out faults and brings everything back, one fault at a time. A watchdog restarts
 * any service that exits when nobody killed it, and counts that: a service must survive a
 * broker, Redis or Postgres restart on its own.
 */
export class FaultInjector {
  readonly counts: FaultCounts = {
    kills: Object.fromEntries(SERVICES.map((s) => [s, 0])) as Record<Service, number>,
    unexpectedExits: Object.fromEntries(SERVICES.map((s) => [s, 0])) as Record<Service, number>,
    kafkaRestarts: 0,
    redisRestarts: 0,
    usersLostRestarts: 0,
    healedWithinMs: [],
    postgresRestarts: 0,
  };
  /** Services this injector is stopping or starting right now: the watchdog leaves them alone. */
  private readonly handling = new Set<Service>();
  private watchdog?: NodeJS.Timeout;
  private watching: Promise<void> = Promise.resolve();

  constructor(
    private readonly platform: Platform,
    private readonly redis: RedisServer,
    private readonly logDir: string,
    private readonly log: (line: string) => void,
    private readonly healWatch: HealWatch,
  ) {}

  startWatchdog(): void {
    this.watchdog = setInterval(() => {
      this.watching = this.watching.then(() => this.reviveExited());
    }, 1000);
  }

  async stopWatchdog(): Promise<void> {
    clearInterval(this.watchdog);
    await this.watching;
  }

  async inject(f: Fault): Promise<void> {
    const started = Date.now();
    switch (f.kind) {
      case 'kill':
        this.handling.add(f.service);
        try {
          await this.platform.stop(f.service, 'SIGKILL');
          this.counts.kills[f.service]++;
          await sleep(f.downMs);
          await this.startService(f.service);
        } finally {
          this.handling.delete(f.service);
        }
        break;
      case 'kafka':
        await this.platform.restartKafka();
        this.counts.kafkaRestarts++;
        break;
      case 'redis':
        // SIGTERM and start on the same port and files: users come back from the aclfile.
        await this.redis.restart();
        this.counts.redisRestarts++;
        break;
      case 'redis-users-lost':
        await this.restartWithoutUsers();
        break;
      case 'postgres':
        await restartPostgres(f.downMs);
        this.counts.postgresRestarts++;
        break;
    }
    this.log(`fault done: ${describeFault(f)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }

  /**
   * Stops redis-server, drops every Rotor user from its aclfile (the admin and every user Rotor
   * did not create stay), and starts it again: the served credentials now get WRONGPASS. An
   * ACL SAVE that raced the stop can write them back, so the restart is repeated until none is
   * left. Then the next fault waits until continuous verification healed every served
   * credential, or the allowed time passed (the probe counts a violation for each one still
   * broken after it), so this fault's heal is measured on its own.
   */
  private async restartWithoutUsers(): Promise<void> {
    const aclfile = this.redis.aclfilePath;
    if (!aclfile) throw new Error('the users-lost fault needs a redis-server with an aclfile');
    const restarted = this.healWatch.usersLost(Date.now());
    for (let attempt = 1; ; attempt++) {
      await this.redis.stop();
      const kept = (await readFile(aclfile, 'utf8')).split('\n').filter((line) => !/^user rotor_[0-9a-f]{32}_[01] /.test(line));
      await writeFile(aclfile, kept.join('\n'));
      await this.redis.restart();
      const left = await this.redis.withAdmin(async (c) => ((await c.call('ACL', 'USERS')) as string[]).filter((u) => u.startsWith('rotor_')));
      if (left.length === 0) break;
      if (attempt >= 3) throw new Error(`Rotor's users came back after ${attempt} restarts without them: ${left.join(', ')}`);
    }
    const restartedAt = Date.now();
    this.counts.usersLostRestarts++;
    restarted(restartedAt);
    const healed = await this.healWatch.allHealedSince(restartedAt, restartedAt + this.healWatch.allowedMs);
    const ms = Date.now() - restartedAt;
    this.counts.healedWithinMs.push(healed ? ms : null);
    this.log(healed
      ? `every served credential authenticates again ${(ms / 1000).toFixed(1)} s after Redis lost its users`
      : `served credentials still broken ${(ms / 1000).toFixed(1)} s after Redis lost its users (allowed ${this.healWatch.allowedMs / 1000} s)`);
  }

  /** Every service running and ready (for the end of the run). */
  async ensureAllRunning(): Promise<void> {
    await this.watching;
    for (const service of SERVICES) {
      if (!this.platform.isRunning(service)) await this.revive(service);
    }
  }

  private async reviveExited(): Promise<void> {
    for (const service of SERVICES) {
      if (this.handling.has(service) || this.platform.isRunning(service)) continue;
      await this.revive(service);
    }
  }

  private async revive(service: Service): Promise<void> {
    this.counts.unexpectedExits[service]++;
    this.log(`UNEXPECTED EXIT: ${service} exited without being killed; starting it again (see ${this.logDir}/${service}.log)`);
    this.handling.add(service);
    try {
      await this.startService(service);
    } finally {
      this.handling.delete(service);
    }
  }

  /** A start can fail while a dependency is itself restarting; a few tries, then give up loudly. */
  private async startService(service: Service): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.platform.start(service);
        return;
      } catch (e) {
        if (attempt >= 3) throw e;
        this.log(`${service} did not start (${(e as Error).message}); trying again`);
        await this.platform.stop(service, 'SIGKILL');
      }
    }
  }
}

/**
 * The machine's shared server (127.0.0.1:5432): stopped with pg_ctlcluster, left down for
 * `downMs`, started again and awaited. Every connection of every client is cut, which is the
 * point.
 */
export async function restartPostgres(downMs: number): Promise<void> {
  await pgCtl('stop');
  await sleep(downMs);
  await pgCtl('start');
  const deadline = Date.now() + 120_000;
  for (;;) {
    const client = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres', connectionTimeoutMillis: 2000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`Postgres did not come back within 120 s: ${(e as Error).message}`);
    } finally {
      await client.end().catch(() => undefined);
    }
    await sleep(500);
  }
}

async function pgCtl(action: 'stop' | 'start'): Promise<void> {
  try {
    await run('pg_ctlcluster', ['--skip-systemctl-redirect', '15', 'main', action], { timeout: 120_000 });
  } catch {
    await run('pg_ctlcluster', ['15', 'main', action], { timeout: 120_000 });
  }
}
