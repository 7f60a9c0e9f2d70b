import { AnyEnvelope, createEnvelope } from '@rotor/contracts';
import { Outbox } from '@rotor/event-store';
import { LoggerLike, jsonLogger } from '@rotor/messaging';
import { Clock, WakeableSleep } from '@rotor/util';
import { DataSource } from 'typeorm';
import { FireEvent, Firing, fire } from '../schedule/fire';
import { ScheduleRepository } from '../schedule/schedule.repository';
import { SchedulerRules } from '../schedule/scheduler-settings';
import { SharedRateLimit } from './shared-rate-limit';
import { WakeupListener } from './wakeup-listener';

export interface DueLoopOptions {
  rules: SchedulerRules;
  /** Rows claimed per transaction at most. */
  batchSize: number;
  /** Firings per second for all instances together (ROTOR_SCHEDULER_MAX_PER_SECOND). */
  maxPerSecond: number;
  /** The longest the loop sleeps without looking, whatever the nearest fire time. */
  maxSleepMs: number;
  /** Pause when due rows exist but another instance holds them (default 250 ms). */
  busyRetryMs?: number;
  /** Listen for schedule changes (default true); off for a loop driven only by tick(). */
  listen?: boolean;
  logger?: LoggerLike;
}

export interface TickResult {
  /** Rows claimed in this transaction. */
  claimed: number;
  /** Events written to the outbox (RotationDue, or RotationTimedOut for an expired lease). */
  emitted: number;
  /** When the fleet's rate allowed fewer than a chunk: how long until it allows one (else 0). */
  waitMs: number;
}

const ERROR_BACKOFF_MS = 1000;

/**
 * Fires due schedules: sleeps until the nearest fire time (at most `maxSleepMs`, woken
 * early by a committed schedule change), then claims due rows oldest first with
 * `FOR UPDATE SKIP LOCKED` and, in the same transaction, writes their events to the outbox
 * and takes a lease on them. Any number of instances may run against one database: a row is
 * claimed by one transaction at a time and leaves the due set in it, so it is emitted once.
 */
export class DueLoop {
  private readonly limiter: SharedRateLimit;
  private readonly logger: LoggerLike;
  private readonly listener?: WakeupListener;
  private running = false;
  private firedCount = 0;
  private loop?: Promise<void>;
  private readonly sleeper = new WakeableSleep();
  /** While sleeping until the next fire time: when it looks again (clock ms); else null. */
  private sleepingUntil: number | null = null;

  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly opts: DueLoopOptions,
  ) {
    this.limiter = new SharedRateLimit(opts.maxPerSecond);
    this.logger = opts.logger ?? jsonLogger('DueLoop');
    if (opts.listen !== false) this.listener = new WakeupListener(ds, (firesAt) => this.wake(firesAt), this.logger);
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.listener?.start();
    this.loop = this.run();
  }

  /** Lets the transaction in flight commit, then stops. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.sleeper.interrupt();
    await this.loop;
    await this.listener?.stop();
  }

  /**
   * Look now: something changed (a consumed event, another instance, a test moving the clock).
   * `firesAt` (clock ms): the change makes a row fire then at the earliest; while the loop
   * sleeps until no later than that, it will look in time anyway, and a look now is skipped.
   */
  wake(firesAt?: number): void {
    if (firesAt !== undefined && this.sleepingUntil !== null && firesAt >= this.sleepingUntil) return;
    this.sleeper.wake();
  }

  /** Schedules this instance fired since it was created. */
  fired(): number {
    return this.firedCount;
  }

  /**
   * One claim transaction of at most `limit` rows, and at most what the fleet's rate allows
   * now; nothing when that is less than a chunk (then `waitMs` says how long until it is).
   */
  async tick(limit = this.opts.batchSize): Promise<TickResult> {
    const result = await this.ds.transaction(async (tx) => {
      const chunk = Math.min(limit, this.limiter.chunk(this.opts.batchSize));
      const { allowed, tokens } = await this.limiter.reserve(tx, limit);
      if (allowed < chunk) return { claimed: 0, emitted: 0, waitMs: this.limiter.msUntil(tokens, chunk) };
      const now = this.clock.now();
      const claimed = await ScheduleRepository.claimDue(tx, now, allowed);
      await this.limiter.take(tx, claimed.length);
      const firings = claimed.map((s) => fire(s, now, this.opts.rules)).filter((f): f is Firing => f !== null);
      if (firings.length < claimed.length) {
        // Cannot happen while fire() and the fire_at column agree; if it does, say so loudly.
        this.logger.error('claimed schedules with nothing to fire', { rotationIds: claimed.length - firings.length });
      }
      const events = firings.flatMap((f) => (f.event ? [toEnvelope(f.event, now)] : []));
      await Outbox.enqueue(tx, events);
      await ScheduleRepository.save(tx, firings.map((f) => f.schedule), { notify: false });
      return { claimed: claimed.length, emitted: events.length, waitMs: 0 };
    });
    this.firedCount += result.claimed;
    return result;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        this.sleeper.clearWake();
        // Look before claiming: most wakes are schedule changes that make nothing due now
        // (a lease or a due time further ahead), and the look is one indexed read where a
        // claim is a transaction.
        const delay = await this.delayUntilNextFire();
        if (delay > 0) {
          // Only here does the loop know when it looks next: a wake() meanwhile (while it
          // looked, or claims) always counts.
          this.sleepingUntil = this.clock.now().getTime() + delay;
          try {
            await this.sleep(delay, { wakeable: true });
          } finally {
            this.sleepingUntil = null;
          }
          continue;
        }
        const { claimed, waitMs } = await this.tick();
        if (waitMs > 0) {
          await this.sleep(waitMs, { wakeable: false });
          continue;
        }
        if (claimed > 0) continue; // maybe a backlog: keep going, paced by the shared rate
        // Due rows this tick could not claim are held by another instance: look again shortly.
        await this.sleep(this.opts.busyRetryMs ?? 250, { wakeable: true });
      } catch (e) {
        this.logger.error('due loop failed; retrying', { error: (e as Error).message });
        await this.sleep(ERROR_BACKOFF_MS, { wakeable: true });
      }
    }
  }

  /** How long until the nearest fire time (at most maxSleepMs); 0 when something is due now. */
  private async delayUntilNextFire(): Promise<number> {
    const next = await ScheduleRepository.nextFireAt(this.ds.manager);
    if (next === null) return this.opts.maxSleepMs;
    const ms = next.getTime() - this.clock.now().getTime();
    if (ms <= 0) return 0;
    return Math.min(ms + 1, this.opts.maxSleepMs);
  }

  private sleep(ms: number, opts: { wakeable: boolean }): Promise<void> {
    return this.running ? this.sleeper.sleep(ms, opts) : Promise.resolve();
  }
}

function toEnvelope(event: FireEvent, now: Date): AnyEnvelope {
  switch (event.type) {
    case 'RotationDue':
      return createEnvelope('RotationDue', event.payload.rotationId, event.payload, { occurredAt: now });
    case 'RotationTimedOut':
      return createEnvelope('RotationTimedOut', event.payload.rotationId, event.payload, { occurredAt: now });
  }
}
