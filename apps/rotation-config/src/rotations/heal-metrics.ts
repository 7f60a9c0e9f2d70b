import { Counter, register } from 'prom-client';

export type HealOutcome = 'requested' | 'healed' | 'failed';

/**
 * `credential_heals_total{outcome}` on prom-client's default registry (served at /metrics):
 * heal rotations requested after a drift, drifts confirmed healed, heal rotations that failed.
 */
export function countHeal(outcome: HealOutcome): void {
  const counter = (register.getSingleMetric('credential_heals_total') as Counter<'outcome'> | undefined) ??
    new Counter({ name: 'credential_heals_total', help: 'Healing of drifted credentials, by outcome', labelNames: ['outcome'] });
  counter.inc({ outcome });
}
