/**
 * The invariant checker that runs throughout (docs/architecture.md, invariant 1): for every rotation, read its
 * mapped secrets through the public API, then AUTH to Redis with them, pause, again.
 *
 * A read is judged only when the platform answered: an API that is down (a service being
 * killed) or a Redis that is down (being restarted) is counted, not blamed. A WRONGPASS is
 * judged with a second read right after it, because the probe's own read and AUTH are two
 * moments: if the store still serves the same version, it served a credential Redis rejects
 * (violation). If it moved on by one version to the *other* user, the credential it served
 * was the previous one, which the next rotation legitimately retires before it stores its
 * own (a stale read). Moving on to the *same* user, or not at all, is never legitimate —
 * except after Redis lost Rotor's users (the users-lost fault): then the served credential is
 * broken until continuous verification heals it, and a rejection is a violation only when it
 * is read more than the verification interval plus the heal time after the restart.
 */
import { Redis } from 'ioredis';
import { ChaosApi, SecretsLocation, ServedCredential } from './api';
import type { HealWatch } from './faults';
import { sleep } from './random';

export interface ProbeTarget extends SecretsLocation {
  rotationId: string;
  label: string;
}

export interface Violation {
  at: string;
  rotationId: string;
  label: string;
  kind: 'served-rejected-credential' | 'mapped-secrets-missing' | 'unexpected-answer';
  detail: string;
}

export interface ProbeCounts {
  reads: number;
  authenticated: number;
  apiUnavailable: number;
  /** 500 answers: an outage must be a 503, never a 500 (docs/architecture.md, invariant 7). Counted apart, and a failure. */
  apiInternalErrors: number;
  redisUnavailable: number;
  staleReads: number;
  /** Served credentials Redis rejected within the allowed time after it lost Rotor's users: awaiting the heal, not violations. */
  awaitingHeal: number;
  violations: number;
  /**
   * Reads that count for availability (none of the read path down on purpose: no Postgres
   * restart, no outage of every secret-store instance), and how many the API did not answer.
   */
  readsCounted: number;
  unavailableCounted: number;
}

export class Probe implements HealWatch {
  readonly counts: ProbeCounts = {
    reads: 0, authenticated: 0, apiUnavailable: 0, apiInternalErrors: 0, redisUnavailable: 0, staleReads: 0, awaitingHeal: 0, violations: 0,
    readsCounted: 0, unavailableCounted: 0,
  };
  /** When Redis lost Rotor's users, and until when a rejected served credential is awaited healing. */
  private readonly healWindows: Array<{ from: number; until: number }> = [];
  /** Per rotation: when the last read that authenticated started. */
  private readonly lastAuthenticated = new Map<string, number>();
  /**
   * Set by the fault injector while a fault takes the read path down on purpose (Postgres
   * restarting, every instance of the secret store killed): reads then are left out of the
   * availability figure, which is about one instance down at a time.
   */
  outageOnPurpose: string | null = null;
  readonly violations: Violation[] = [];
  /** Why the API was unavailable: 'network' or the HTTP status, with how often. */
  readonly unavailableBy: Record<string, number> = {};
  private readonly loops = new Map<string, { stop: boolean; done: Promise<void> }>();

  constructor(
    private readonly api: ChaosApi,
    private readonly redis: { host: string; port: number },
    private readonly intervalMs: number,
    private readonly log: (line: string) => void,
    /** The verification interval plus the heal time. */
    readonly allowedMs: number,
  ) {}

  usersLost(from: number): (restartedAt: number) => void {
    const window = { from, until: Number.POSITIVE_INFINITY };
    this.healWindows.push(window);
    return (restartedAt) => {
      window.until = restartedAt + this.allowedMs;
    };
  }

  async allHealedSince(since: number, deadline: number): Promise<boolean> {
    for (;;) {
      const ids = [...this.loops.keys()];
      if (ids.every((id) => (this.lastAuthenticated.get(id) ?? 0) > since)) return true;
      if (Date.now() > deadline) return false;
      await sleep(100);
    }
  }

  private awaitingHeal(at: number): boolean {
    return this.healWindows.some((w) => at >= w.from && at <= w.until);
  }

  /** Rotation-milliseconds spent probing, to tell the cadence achieved (reads per rotation per second). */
  private probedMs = 0;

  /** Share of the counted reads (none of the read path down on purpose) that the API answered (1 when there were none). */
  availability(): number {
    const { readsCounted: reads, unavailableCounted: unavailable } = this.counts;
    return reads === 0 ? 1 : (reads - unavailable) / reads;
  }

  /** How often each rotation was read on average: one read every this many ms. */
  averageIntervalMs(): number {
    return this.counts.reads === 0 ? 0 : Math.round(this.probedMs / this.counts.reads);
  }

  watch(target: ProbeTarget): void {
    const control = { stop: false, done: Promise.resolve() };
    control.done = this.loop(target, control);
    this.loops.set(target.rotationId, control);
  }

  /** Stops probing one rotation (before it is deleted) and waits for its read in flight. */
  async unwatch(rotationId: string): Promise<void> {
    const control = this.loops.get(rotationId);
    if (!control) return;
    control.stop = true;
    await control.done;
    this.loops.delete(rotationId);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.loops.keys()].map((id) => this.unwatch(id)));
  }

  private async loop(target: ProbeTarget, control: { stop: boolean }): Promise<void> {
    const auth = new AuthChecker(this.redis);
    const started = Date.now();
    try {
      while (!control.stop) {
        await this.probeOnce(target, auth);
        await sleep(this.intervalMs);
      }
    } finally {
      auth.close();
      this.probedMs += Date.now() - started;
    }
  }

  private async probeOnce(target: ProbeTarget, auth: AuthChecker): Promise<void> {
    const readAt = Date.now();
    const duringOutage = this.outageOnPurpose !== null;
    const read = await this.api.readSecrets(target);
    this.counts.reads++;
    if (!duringOutage && this.outageOnPurpose === null) {
      this.counts.readsCounted++;
      if (read.kind === 'unavailable') this.counts.unavailableCounted++;
    }
    if (read.kind === 'unavailable' && read.status === 500) {
      this.counts.apiInternalErrors++;
      return;
    }
    if (read.kind === 'unavailable') {
      this.counts.apiUnavailable++;
      const why = read.status === null ? 'network' : String(read.status);
      this.unavailableBy[why] = (this.unavailableBy[why] ?? 0) + 1;
      return;
    }
    if (read.kind === 'refused') {
      return this.violation(target, 'unexpected-answer', `secrets read answered ${read.status}: ${JSON.stringify(read.body).slice(0, 300)}`);
    }
    const served = read.value;
    if (!served) return this.violation(target, 'mapped-secrets-missing', 'the folder answered without REDIS_USERNAME and REDIS_PASSWORD');

    const verdict = await auth.check(served);
    // A rejection is judged by when Redis gave it: a read that began before the users were lost is rejected after.
    const rejectedAt = Date.now();
    if (verdict === 'unavailable') {
      this.counts.redisUnavailable++;
      return;
    }
    if (verdict === 'accepted') {
      this.counts.authenticated++;
      this.lastAuthenticated.set(target.rotationId, readAt);
      return;
    }
    // Rejected: what does the store serve now?
    const again = await this.api.readSecrets(target);
    if (again.kind !== 'ok' || !again.value) {
      // Cannot tell; the next round reads again.
      this.counts.apiUnavailable++;
      return;
    }
    const now = again.value;
    const movedToOtherUser = now.version === served.version + 1 && now.username !== served.username;
    if (now.version >= served.version + 2 || movedToOtherUser) {
      this.counts.staleReads++;
      return;
    }
    if (this.awaitingHeal(rejectedAt)) {
      this.counts.awaitingHeal++;
      return;
    }
    const lost = this.healWindows.filter((w) => rejectedAt >= w.from).at(-1);
    this.violation(
      target,
      'served-rejected-credential',
      `Redis rejected ${served.username} (password version ${served.version}) while the store served it; ` +
        `read again: ${now.username} version ${now.version}` +
        (lost ? ` (${((rejectedAt - lost.from) / 1000).toFixed(1)} s after Redis last lost its users; allowed ${this.allowedMs / 1000} s after its restart)` : ''),
    );
  }

  private violation(target: ProbeTarget, kind: Violation['kind'], detail: string): void {
    const v: Violation = { at: new Date().toISOString(), rotationId: target.rotationId, label: target.label, kind, detail };
    this.counts.violations++;
    this.violations.push(v);
    this.log(`VIOLATION ${v.at} ${target.label} (${target.rotationId}) ${kind}: ${detail}`);
  }
}

/**
 * AUTH on a connection kept open (one round trip per check, so the probe stays cheap); a
 * connection that failed is replaced, and a WRONGPASS is confirmed on a fresh connection so
 * no client state answers instead of the server.
 */
class AuthChecker {
  private client?: Redis;

  constructor(private readonly server: { host: string; port: number }) {}

  async check(c: ServedCredential): Promise<'accepted' | 'rejected' | 'unavailable'> {
    const first = await this.authOn(this.connection(), c);
    if (first === 'accepted') return first;
    this.close();
    // A fresh connection decides.
    const fresh = this.open();
    try {
      return await this.authOn(fresh, c);
    } finally {
      fresh.disconnect();
    }
  }

  close(): void {
    this.client?.disconnect();
    this.client = undefined;
  }

  private connection(): Redis {
    this.client ??= this.open();
    return this.client;
  }

  private open(): Redis {
    const client = new Redis({
      host: this.server.host,
      port: this.server.port,
      lazyConnect: true,
      enableReadyCheck: false,
      enableOfflineQueue: true,
      maxRetriesPerRequest: 0,
      connectTimeout: 2000,
      commandTimeout: 2000,
      retryStrategy: () => null,
    });
    client.on('error', () => undefined);
    return client;
  }

  private async authOn(client: Redis, c: ServedCredential): Promise<'accepted' | 'rejected' | 'unavailable'> {
    try {
      if (client.status === 'wait') await client.connect();
      if (client.status !== 'ready' && client.status !== 'connect') return 'unavailable';
      await client.auth(c.username, c.password);
      return 'accepted';
    } catch (e) {
      if (/^WRONGPASS/.test((e as Error).message)) return 'rejected';
      if (client === this.client) this.close();
      return 'unavailable';
    }
  }
}
