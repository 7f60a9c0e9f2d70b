import { DEFAULT_RETRY_POLICY } from '@rotor/rotation-domain';
import { SchedulerRules } from '../../src/schedule/scheduler-settings';

export const TEST_RULES: SchedulerRules = {
  leaseMs: 5 * 60_000,
  retryPolicy: DEFAULT_RETRY_POLICY,
  unit: 'days',
  random: () => 0.5,
};

/** Quiet loops: errors still show. */
export const quietLogger = {
  log: () => undefined,
  warn: (m: string, ...f: unknown[]) => console.warn(m, ...f),
  error: (m: string, ...f: unknown[]) => console.error(m, ...f),
};
