import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { sleep } from '@rotor/util';
import { Client } from 'pg';
import { ROTATION_CONFIG_SETTINGS, RotationConfigSettings } from '../config';
import { RotationRow } from './rotation.view';
import { RotationsReadModel } from './rotations.read-model';

const CHANNEL = 'rotor_rotation_job_settled';

/** A job as the read model shows it once the wait ends. */
export type JobWait =
  | { state: 'settled'; row: RotationRow; outcome: JobOutcome }
  | { state: 'in-flight'; row: RotationRow }
  | { state: 'gone' };

/** How a job ended, from the rotation's history (the row may already show a later job). */
export type JobOutcome = { completed: true } | { completed: false; message: string };

/**
 * Waits, bounded, until a rotation job is no longer in flight in the read model: the one way
 * create (its first credential set), rotate-secrets (its job) and reads (a job the secret store
 * has already stored) wait for an outcome. The read model NOTIFYs each settled job when its
 * transaction commits (see the migration), so a waiter wakes at once; it also looks every
 * `outcomePollMs` in case the listening connection was down when the notification went out.
 */
@Injectable()
export class JobOutcomes implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('JobOutcomes');
  private readonly waiters = new Map<string, Set<() => void>>();
  private listener: Client | null = null;
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

  async waitFor(rotationId: string, jobId: string, timeoutMs: number): Promise<JobWait> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      // Registered before the read, so a notification between the two is not missed.
      const woken = this.signal(jobId);
      try {
        const row = await this.readModel.findRow(rotationId);
        if (!row) return { state: 'gone' };
        if (row.in_flight_job_id !== jobId) return { state: 'settled', row, outcome: await this.outcomeOf(row, jobId) };
        const left = deadline - Date.now();
        if (left <= 0) return { state: 'in-flight', row };
        await Promise.race([woken.promise, sleep(Math.min(left, this.settings.outcomePollMs))]);
      } finally {
        woken.cancel();
      }
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

  private signal(jobId: string): { promise: Promise<void>; cancel: () => void } {
    let wake!: () => void;
    const promise = new Promise<void>((resolve) => (wake = resolve));
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
      for (const wake of this.waiters.get(n.payload ?? '') ?? []) wake();
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
    } catch (e) {
      this.logger.warn(`could not listen for settled jobs (${(e as Error).message}); retrying`);
      void client.end().catch(() => undefined);
      if (!this.closing) setTimeout(() => void this.listen(), 1_000).unref();
    }
  }
}
