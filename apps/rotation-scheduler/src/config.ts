import { DEFAULT_RETRY_POLICY, RetryPolicy, ScheduleUnit } from '@rotor/rotation-domain';
import { Clock, envBool, envInt, envString, systemClock } from '@rotor/util';
import { databaseUrlFromEnv } from './data-source';

export const SERVICE_NAME = 'rotation-scheduler';

export interface SchedulerConfig {
  databaseUrl: string;
  /** Kafka consumer group for rotation events, and the inbox's consumer name. */
  consumerGroup: string;
  /**
   * A fetch of rotation events answers once it holds this many bytes or after
   * `consumerMaxWaitMs`: the scheduler's bookkeeping (leases, next due times) is not on a
   * rotation's critical path, so its events may wait a little to come many to a fetch, with
   * one transaction for them all (ROTOR_SCHEDULER_CONSUMER_MIN_BYTES, 65536;
   * ROTOR_SCHEDULER_CONSUMER_MAX_WAIT_MS, 250).
   */
  consumerMinBytes: number;
  consumerMaxWaitMs: number;
  leaseMs: number;
  maxPerSecond: number;
  batchSize: number;
  maxSleepMs: number;
  retryPolicy: RetryPolicy;
  unit: ScheduleUnit;
  /** The system clock; tests pass a ManualClock. */
  clock: Clock;
}

/** Injection token of the SchedulerConfig. */
export const SCHEDULER_CONFIG = Symbol('SCHEDULER_CONFIG');

/** Reads the scheduler's settings (README.md lists them); a bad value names its variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): SchedulerConfig {
  return {
    databaseUrl: databaseUrlFromEnv(env),
    consumerGroup: envString('ROTOR_SCHEDULER_GROUP', SERVICE_NAME, env),
    consumerMinBytes: positive('ROTOR_SCHEDULER_CONSUMER_MIN_BYTES', 65_536, env),
    consumerMaxWaitMs: positive('ROTOR_SCHEDULER_CONSUMER_MAX_WAIT_MS', 250, env),
    leaseMs: positive('ROTOR_ROTATION_LEASE_SECONDS', 300, env) * 1000,
    maxPerSecond: positive('ROTOR_SCHEDULER_MAX_PER_SECOND', 50, env),
    batchSize: positive('ROTOR_SCHEDULER_BATCH_SIZE', 100, env),
    maxSleepMs: positive('ROTOR_SCHEDULER_MAX_SLEEP_MS', 30_000, env),
    retryPolicy: {
      baseDelayMs: positive('ROTOR_SCHEDULER_RETRY_BASE_SECONDS', DEFAULT_RETRY_POLICY.baseDelayMs / 1000, env) * 1000,
      maxDelayMs: positive('ROTOR_SCHEDULER_RETRY_MAX_SECONDS', DEFAULT_RETRY_POLICY.maxDelayMs / 1000, env) * 1000,
      maxAttempts: positive('ROTOR_SCHEDULER_RETRY_MAX_ATTEMPTS', DEFAULT_RETRY_POLICY.maxAttempts, env),
    },
    // The demo setting rotation-config reads too: both must count intervals the same way.
    unit: envBool('ROTOR_DEV_MINUTES', false, env) ? 'minutes' : 'days',
    clock: systemClock,
  };
}

function positive(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const n = envInt(name, fallback, env);
  if (n < 1) throw new Error(`configuration ${name} must be at least 1, got ${n}`);
  return n;
}
