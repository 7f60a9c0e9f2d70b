import { Inject, Injectable, Logger } from '@nestjs/common';
import { Envelope } from '@rotor/contracts';
import { Clock, CLOCK } from '@rotor/util';
import { EntityManager } from 'typeorm';
import { lockRotation } from '../executor-jobs/executor-jobs';
import { EXECUTOR_CONFIG, ExecutorConfig } from '../config';
import { nextCheckAfter, nextRegularCheck } from './verification-outcome';
import { VerificationTargets } from './verification-targets';

/**
 * Keeps verification_targets in step with what the secret store serves: RotationCompleted
 * names the served slot (the one it replaced becomes "previous"); RotationDeleted ends
 * verification. Runs in the ConsumerRunner's transaction, under the rotation's lock.
 */
@Injectable()
export class ServedCredentialsHandler {
  private readonly logger = new Logger('ServedCredentials');

  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(EXECUTOR_CONFIG) private readonly config: ExecutorConfig,
  ) {}

  async completed(event: Envelope<'RotationCompleted'>, tx: EntityManager): Promise<void> {
    const p = event.payload;
    const settings = this.config.verification;
    const now = this.clock.now();
    // After a heal (the last check found drift), confirm soon; otherwise the regular interval.
    // Both are drawn here; the update picks by the row's last status (one statement, no read first).
    const verifyAt = {
      regular: settings ? nextRegularCheck(now, settings, Math.random()) : null,
      afterDrift: settings ? nextCheckAfter('drifted', 1, now, settings, Math.random()) : null,
    };
    // Under the rotation's lock, taken by the same round trip.
    const served = await VerificationTargets.recordServed(tx, p.rotationId, p.activeIndex, p.generation, verifyAt);
    if (!served) this.logger.warn(`rotation ${p.rotationId}: generation ${p.generation} is served, but this executor holds no such credential to verify`);
  }

  async deleted(event: Envelope<'RotationDeleted'>, tx: EntityManager): Promise<void> {
    await lockRotation(tx, event.payload.rotationId);
    await VerificationTargets.remove(tx, event.payload.rotationId);
  }
}
