import { Injectable } from '@nestjs/common';
import { Counter, Histogram, register } from 'prom-client';

export type RotationOutcome = 'rotated' | 'failed' | 'skipped';

/**
 * On prom-client's default registry (served by ServiceRuntimeModule at /metrics). Metrics
 * are process-wide: a second app instance in one process (tests) reuses them.
 */
@Injectable()
export class ExecutorMetrics {
  readonly rotations = reuse(
    'rotations_total',
    () => new Counter({ name: 'rotations_total', help: 'RotationRequested events handled, by outcome', labelNames: ['outcome'] }),
  ) as Counter<'outcome'>;

  readonly duration = reuse(
    'rotation_duration_seconds',
    () =>
      new Histogram({
        name: 'rotation_duration_seconds',
        help: 'Time to set, verify and persist a credential on every node, by outcome',
        labelNames: ['outcome'],
        buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      }),
  ) as Histogram<'outcome'>;

  count(outcome: RotationOutcome): void {
    this.rotations.inc({ outcome });
  }
}

function reuse(name: string, create: () => Counter<string> | Histogram<string>): Counter<string> | Histogram<string> {
  return (register.getSingleMetric(name) as Counter<string> | Histogram<string> | undefined) ?? create();
}
