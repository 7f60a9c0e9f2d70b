import { RetryPolicy, ScheduleUnit } from '@rotor/rotation-domain';

/** Injection token of the SchedulerRules (lease, retry policy, unit, jitter source). */
export const SCHEDULER_RULES = Symbol('SCHEDULER_RULES');

/** What the pure schedule rules need besides the event and the time. */
export interface SchedulerRules {
  /** How long a requested rotation may go without an outcome before it is declared failed. */
  leaseMs: number;
  retryPolicy: RetryPolicy;
  /** 'minutes' only under ROTOR_DEV_MINUTES=1 (demos). */
  unit: ScheduleUnit;
  /** Uniform in [0, 1); the retry jitter. */
  random: () => number;
}
