import { Inject, Injectable, Logger } from '@nestjs/common';
import { AnyEnvelope, Envelope, rotationOf } from '@rotor/contracts';
import { Clock, CLOCK } from '@rotor/util';
import { EntityManager } from 'typeorm';
import { lockRotation } from '../executor-jobs/executor-jobs';
import { EXECUTOR_CONFIG, ExecutorConfig } from '../config';
import { nextCheckAfter, nextRegularCheck } from './verification-outcome';
import { ServedItem, VerificationTargets } from './verification-targets';

/**
 * Keeps verification_targets in step with what the secret store serves: RotationCompleted
 * names the served slot (the one it replaced becomes "previous"); RotationDeleted ends
 * verification. Runs in the ConsumerRunner's transaction, under the rotation's lock.
 */
@Injectable()
export class ServedCredentialsHandler {
  private readonly logger = new Logger('ServedCredentials');
  /** The RotationCompleted events prepare recorded, per transaction. */
  private readonly appliedAhead = new WeakMap<EntityManager, Set<string>>();

  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(EXECUTOR_CONFIG) private readonly config: ExecutorConfig,
  ) {}

  async completed(event: Envelope<'RotationCompleted'>, tx: EntityManager): Promise<void> {
    if (this.appliedAhead.get(tx)?.delete(event.eventId)) return;
    const [served] = await VerificationTargets.recordServed(tx, [this.servedItem(event)]);
    if (!served) this.notVerifiable(event);
  }

  /**
   * The consumer's prepare: records what a transaction's RotationCompleted events serve before
   * their handlers run, all in one statement (each under its rotation's lock, taken by it), for
   * rotations with no other event in the transaction, so nothing else there touches their rows
   * or waits for their locks. Their handlers then find them recorded.
   */
  async prepare(events: AnyEnvelope[], tx: EntityManager): Promise<void> {
    const others = new Set(events.flatMap((e) => (e.type === 'RotationCompleted' ? [] : [rotationOf(e)])));
    const completions = events.filter((e): e is Envelope<'RotationCompleted'> => e.type === 'RotationCompleted' && !others.has(e.payload.rotationId));
    // Each rotation once: a second completion of one (a redelivery of another job) goes alone.
    const once = completions.filter((e, i) => completions.findIndex((c) => c.payload.rotationId === e.payload.rotationId) === i);
    if (once.length < 2) return;
    const served = await VerificationTargets.recordServed(tx, once.map((e) => this.servedItem(e)));
    once.forEach((e, i) => served[i] || this.notVerifiable(e));
    this.appliedAhead.set(tx, new Set(once.map((e) => e.eventId)));
  }

  private servedItem(event: Envelope<'RotationCompleted'>): ServedItem {
    const p = event.payload;
    const settings = this.config.verification;
    const now = this.clock.now();
    // After a heal (the last check found drift), confirm soon; otherwise the regular interval.
    // Both are drawn here; the update picks by the row's last status (one statement, no read first).
    const verifyAt = {
      regular: settings ? nextRegularCheck(now, settings, Math.random()) : null,
      afterDrift: settings ? nextCheckAfter('drifted', 1, now, settings, Math.random()) : null,
    };
    return { rotationId: p.rotationId, activeIndex: p.activeIndex, generation: p.generation, verifyAt };
  }

  private notVerifiable({ payload: p }: Envelope<'RotationCompleted'>): void {
    this.logger.warn(`rotation ${p.rotationId}: generation ${p.generation} is served, but this executor holds no such credential to verify`);
  }

  async deleted(event: Envelope<'RotationDeleted'>, tx: EntityManager): Promise<void> {
    await lockRotation(tx, event.payload.rotationId);
    await VerificationTargets.remove(tx, event.payload.rotationId);
  }
}
