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
import { RebalanceClock } from './rebalance';

/** After Postgres answers again, how long reads still count as "during its restart". */
export const POSTGRES_RECONNECT_GRACE_MS = 5_000;

const run = promisify(execFile);

export type Fault =
  | { kind: 'kill'; service: Service; instance: number; downMs: number }
  | { kind: 'kafka' }
  | { kind: 'broker'; node: number; downMs: number }
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
  /** Instances of every service: a kill takes one of them at random. */
  instances: number;
  /** Kafka nodes, and how many times one of them is killed. */
  brokers: number;
  brokerKills: number;
}

export function planFaults(input: FaultPlanInput, random: Random): PlannedFault[] {
  const faults: Fault[] = [];
  const guaranteed = SERVICES.flatMap((s) => Array.from({ length: input.minKillsPerService }, () => s));
  const kills = [...guaranteed, ...Array.from({ length: Math.max(0, input.kills - guaranteed.length) }, () => random.pick(SERVICES))];
  // With one instance, the draws are those of earlier versions, so a seed replays the same plan.
  const instance = () => (input.instances > 1 ? random.int(1, input.instances) : 1);
  for (const service of kills) faults.push({ kind: 'kill', service, instance: instance(), downMs: random.int(0, 3000) });
  // The secret-store down past the lease: the scheduler declares its jobs failed while their
  // credentials wait in Kafka for it; what it stores when it is back must still authenticate.
  // With several instances, every instance of it is down that long.
  for (let i = 0; i < input.longOutages; i++) faults.push({ kind: 'kill', service: 'secret-store', instance: 0, downMs: input.leaseMs + random.int(10_000, 20_000) });
  for (let i = 0; i < input.brokerKills; i++) faults.push({ kind: 'broker', node: random.int(1, input.brokers), downMs: random.int(2000, 8000) });
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
      return `kill -9 ${f.service}${f.instance === 0 ? ' (every instance)' : f.instance > 1 ? ` #${f.instance}` : ''} (down ${f.downMs} ms)`;
    case 'kafka':
      return 'restart the Kafka broker';
    case 'broker':
      return `kill -9 Kafka node ${f.node} (down ${f.downMs} ms)`;
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
  /** kill -9 of one node of a Kafka cluster. */
  brokerKills: number;
  redisRestarts: number;
  usersLostRestarts: number;
  /** Per users-lost fault: ms from the restart until every probed rotation's served credential authenticated again (null: not within the window). */
  healedWithinMs: Array<number | null>;
  postgresRestarts: number;
  /**
   * After each kill of one instance of a consuming service (with several instances), how long
   * until the consumer groups it belonged to had moved its partitions to the survivors (ms).
   */
  partitionMoveMs: number[];
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

/** The probe as the injector drives it: the heal watch, and the outages the availability figure leaves out. */
export interface ProbeControl extends HealWatch {
  /** Why the read path is down on purpose right now (null: it is not). */
  outageOnPurpose: string | null;
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
    brokerKills: 0,
    redisRestarts: 0,
    usersLostRestarts: 0,
    healedWithinMs: [],
    postgresRestarts: 0,
    partitionMoveMs: [],
  };
  /** Service instances (`service#i`) this injector is stopping or starting right now: the watchdog leaves them alone. */
  private readonly handling = new Set<string>();
  private watchdog?: NodeJS.Timeout;
  private watching: Promise<void> = Promise.resolve();

  constructor(
    private readonly platform: Platform,
    private readonly redis: RedisServer,
    private readonly log: (line: string) => void,
    private readonly probe: ProbeControl,
    private readonly rebalance?: RebalanceClock,
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
      case 'kill': {
        const instances = f.instance === 0 ? this.platform.instanceNumbers() : [f.instance];
        for (const i of instances) this.handling.add(id(f.service, i));
        // Every instance at once is an outage on purpose (the secret store down past the lease).
        if (f.instance === 0) this.probe.outageOnPurpose = `every ${f.service} instance down`;
        try {
          const moved = instances.length < this.platform.instanceCount() ? this.rebalance?.expect(f.service, this.platform.instanceCount() - 1) : undefined;
          for (const i of instances) await this.platform.stop(f.service, 'SIGKILL', i);
          this.counts.kills[f.service] += instances.length;
          const [movedMs] = await Promise.all([moved, sleep(f.downMs)]);
          if (movedMs !== undefined) {
            this.counts.partitionMoveMs.push(movedMs);
            this.log(`${f.service}'s partitions moved to the other instances in ${movedMs} ms`);
          }
          for (const i of instances) await this.startService(f.service, i);
        } finally {
          for (const i of instances) this.handling.delete(id(f.service, i));
          if (f.instance === 0) this.probe.outageOnPurpose = null;
        }
        break;
      }
      case 'kafka':
        await this.platform.restartKafka();
        this.counts.kafkaRestarts++;
        break;
      case 'broker':
        this.platform.killBroker(f.node);
        this.counts.brokerKills++;
        await sleep(f.downMs);
        await this.platform.startBroker(f.node);
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
        this.probe.outageOnPurpose = 'Postgres restart';
        try {
          await restartPostgres(f.downMs);
          this.counts.postgresRestarts++;
          // The services' pools reconnect on their next query; give them that moment.
          await sleep(POSTGRES_RECONNECT_GRACE_MS);
        } finally {
          this.probe.outageOnPurpose = null;
        }
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
    const restarted = this.probe.usersLost(Date.now());
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
    const healed = await this.probe.allHealedSince(restartedAt, restartedAt + this.probe.allowedMs);
    const ms = Date.now() - restartedAt;
    this.counts.healedWithinMs.push(healed ? ms : null);
    this.log(healed
      ? `every served credential authenticates again ${(ms / 1000).toFixed(1)} s after Redis lost its users`
      : `served credentials still broken ${(ms / 1000).toFixed(1)} s after Redis lost its users (allowed ${this.probe.allowedMs / 1000} s)`);
  }

  /** Every service instance running and ready (for the end of the run). */
  async ensureAllRunning(): Promise<void> {
    await this.watching;
    for (const i of this.platform.instanceNumbers()) {
      for (const service of SERVICES) {
        if (!this.platform.isRunning(service, i)) await this.revive(service, i);
      }
    }
  }

  private async reviveExited(): Promise<void> {
    for (const i of this.platform.instanceNumbers()) {
      for (const service of SERVICES) {
        if (this.handling.has(id(service, i)) || this.platform.isRunning(service, i)) continue;
        await this.revive(service, i);
      }
    }
  }

  private async revive(service: Service, instance: number): Promise<void> {
    this.counts.unexpectedExits[service]++;
    this.log(`UNEXPECTED EXIT: ${service} #${instance} exited without being killed; starting it again (see ${this.platform.logFile(service, instance)})`);
    this.handling.add(id(service, instance));
    try {
      await this.startService(service, instance);
    } finally {
      this.handling.delete(id(service, instance));
    }
  }

  /** A start can fail while a dependency is itself restarting; a few tries, then give up loudly. */
  private async startService(service: Service, instance: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.platform.start(service, {}, instance);
        return;
      } catch (e) {
        if (attempt >= 3) throw e;
        this.log(`${service} #${instance} did not start (${(e as Error).message}); trying again`);
        await this.platform.stop(service, 'SIGKILL', instance);
      }
    }
  }
}

function id(service: Service, instance: number): string {
  return `${service}#${instance}`;
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
