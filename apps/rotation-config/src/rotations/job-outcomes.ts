import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { sleep } from '@rotor/util';
import { Client } from 'pg';
import { ROTATION_CONFIG_SETTINGS, RotationConfigSettings } from '../config';
import { RotationRow } from './rotation.view';
import { RotationsReadModel, rotationRowFromJson } from './rotations.read-model';

const CHANNEL = 'rotor_rotation_job_settled';

/** A job as the read model shows it once the wait ends. */
export type JobWait =
  | { state: 'settled'; row: RotationRow; outcome: JobOutcome }
  | { state: 'in-flight'; row: RotationRow }
  | { state: 'gone' };

/** Wakes a waiter: with the row the settling statement left, when the notification carried it. */
type Wake = (row: RotationRow | undefined) => void;

/** A wait for a job that began before the job was requested (JobOutcomes.watch). */
export interface JobWatch {
  epoch: number;
  promise: Promise<RotationRow | undefined>;
  cancel: () => void;
}

/** While the listening connection is up, waiters look at the read model only every this many polls. */
const SAFETY_LOOK_POLLS = 5;

/** How a job ended, from the rotation's history (the row may already show a later job). */
export type JobOutcome = { completed: true } | { completed: false; message: string };

/**
 * Waits, bounded, until a rotation job is no longer in flight in the read model: the one way
 * create (its first credential set), rotate-secrets (its job) and reads (a job the secret store
 * has already stored) wait for an outcome. The read model NOTIFYs each settled job when its
 * transaction commits (see the migrations), with the row as the settling statement left it, so
 * a waiter wakes at once and answers from that row (it reads the row when the notification had
 * none: a deleted rotation, a row too long for one).
 * It looks every `outcomePollMs` while the listening connection is down (or was replaced
 * since the wait began), and every SAFETY_LOOK_POLLS polls otherwise.
 */
@Injectable()
export class JobOutcomes implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('JobOutcomes');
  private readonly waiters = new Map<string, Set<Wake>>();
  private listener: Client | null = null;
  /** Counts listening connections; a waiter that saw another one may have missed a notification. */
  private epoch = 0;
  private closing = false;

  constructor(
    private readonly readModel: RotationsReadModel,
    @Inject(ROTATION_CONFIG_SETTINGS) private readonly settings: RotationConfigSettings,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.listen();
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => undefined);
  }

  /**
   * Starts listening for `jobId` to settle. Taken before the job is requested and given to
   * waitFor, it spares waitFor its first look at the read model: a job requested after the
   * watch began cannot have settled unseen. Cancel it when not waiting after all.
   */
  watch(jobId: string): JobWatch {
    return { epoch: this.epoch, ...this.signal(jobId) };
  }

  async waitFor(rotationId: string, jobId: string, timeoutMs: number, watch?: JobWatch): Promise<JobWait> {
    const deadline = Date.now() + timeoutMs;
    let woken = watch ?? this.signal(jobId);
    let epoch = watch?.epoch ?? this.epoch;
    let look = watch === undefined;
    let lookedAt = Date.now();
    try {
      for (;;) {
        if (look) {
          const row = await this.readModel.findRow(rotationId);
          lookedAt = Date.now();
          if (!row) return { state: 'gone' };
          if (row.in_flight_job_id !== jobId) return { state: 'settled', row, outcome: await this.outcomeOf(row, jobId) };
          if (Date.now() >= deadline) return { state: 'in-flight', row };
        }
        const left = Math.max(0, deadline - Date.now());
        const notified = await Promise.race([
          woken.promise.then((row) => ({ row })),
          sleep(Math.min(left, this.settings.outcomePollMs)).then(() => null),
        ]);
        if (notified) {
          const { row } = notified;
          if (row && row.id === rotationId && row.in_flight_job_id !== jobId) return { state: 'settled', row, outcome: await this.outcomeOf(row, jobId) };
          woken.cancel();
          woken = this.signal(jobId);
          look = true;
          continue;
        }
        // A tick of the timer: look when a notification may have been missed (the listening
        // connection is down, or was replaced since), at the deadline, and now and then anyway.
        const missed = this.listener === null || this.epoch !== epoch;
        epoch = this.epoch;
        look = missed || Date.now() >= deadline || Date.now() - lookedAt >= SAFETY_LOOK_POLLS * this.settings.outcomePollMs;
      }
    } finally {
      woken.cancel();
    }
  }

  private async outcomeOf(row: RotationRow, jobId: string): Promise<JobOutcome> {
    if (row.last_rotation_job_id === jobId) {
      return row.rotation_status === 'success' ? { completed: true } : { completed: false, message: row.last_rotation_message ?? 'the rotation failed' };
    }
    const ending = await this.readModel.jobEnding(row.id, jobId);
    if (ending?.type === 'RotationCompleted') return { completed: true };
    return { completed: false, message: ending?.message ?? 'the rotation failed' };
  }

  private signal(jobId: string): { promise: Promise<RotationRow | undefined>; cancel: () => void } {
    let wake!: Wake;
    const promise = new Promise<RotationRow | undefined>((resolve) => (wake = resolve));
    const set = this.waiters.get(jobId) ?? new Set();
    set.add(wake);
    this.waiters.set(jobId, set);
    return {
      promise,
      cancel: () => {
        set.delete(wake);
        if (set.size === 0 && this.waiters.get(jobId) === set) this.waiters.delete(jobId);
      },
    };
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.settings.databaseUrl });
    client.on('notification', (n) => {
      // `<job id>`, or `<job id> <row as JSON>`: the row is parsed only when someone waits.
      const payload = n.payload ?? '';
      const space = payload.indexOf(' ');
      const waiting = this.waiters.get(space < 0 ? payload : payload.slice(0, space));
      if (!waiting) return;
      const row = space < 0 ? undefined : rotationRowFromJson(payload.slice(space + 1));
      for (const wake of waiting) wake(row);
    });
    const lost = (e?: Error) => {
      if (this.listener !== client) return;
      this.listener = null;
      this.logger.warn(`listening connection lost (${e?.message ?? 'closed'}); waits fall back to polling until it is back`);
      void client.end().catch(() => undefined);
      if (!this.closing) setTimeout(() => void this.listen(), 1_000).unref();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      if (this.closing) {
        await client.end();
        return;
      }
      this.listener = client;
      this.epoch++;
    } catch (e) {
      this.logger.warn(`could not listen for settled jobs (${(e as Error).message}); retrying`);
      void client.end().catch(() => undefined);
      if (!this.closing) setTimeout(() => void this.listen(), 1_000).unref();
    }
  }
}
