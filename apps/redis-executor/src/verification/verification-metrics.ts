import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Counter, Gauge, register } from 'prom-client';
import { DataSource } from 'typeorm';
import { VerificationTargets } from './verification-targets';

/**
 * Continuous verification on prom-client's default registry (served at /metrics):
 * `credential_verifications_total{status}` (its rate is verifications per second) and
 * `credential_drifted_rotations`, read from Postgres at scrape time so every instance
 * reports the same, true number.
 */
@Injectable()
export class VerificationMetrics {
  readonly verifications: Counter<'status'>;

  constructor(@InjectDataSource() ds: DataSource) {
    this.verifications = (register.getSingleMetric('credential_verifications_total') as Counter<'status'> | undefined) ??
      new Counter({ name: 'credential_verifications_total', help: 'Checks of served credentials, by result', labelNames: ['status'] });
    if (!register.getSingleMetric('credential_drifted_rotations')) {
      new Gauge({
        name: 'credential_drifted_rotations',
        help: 'Rotations whose last check found a served credential rejected by Redis',
        async collect() {
          this.set(await VerificationTargets.countDrifted(ds.manager));
        },
      });
    }
  }
}
