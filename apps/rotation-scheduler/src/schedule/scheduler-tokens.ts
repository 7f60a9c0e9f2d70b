/** Injection token of the SchedulerRules (lease, retry policy, unit, jitter source). */
export const SCHEDULER_RULES = Symbol('SCHEDULER_RULES');
