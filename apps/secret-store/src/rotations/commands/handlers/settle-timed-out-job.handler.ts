import { Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { causedBy, createEnvelope } from '@rotor/contracts';
import { Outbox } from '@rotor/event-store';
import { RotationCredentialsRepository } from '../../rotation-credentials.repository';
import { RotationGenerations } from '../../rotation-generations';
import { SettleTimedOutJobCommand, SettleTimedOutJobOutcome } from '../settle-timed-out-job.command';

/**
 * A job whose lease ran out is settled here, because only the secret store knows whether its
 * credential is, or will be, served. RotationTimedOut travels on the executor's topic with the
 * job's CredentialsRotated, so this consumer sees the two in one order:
 *
 * - CredentialsRotated came first: the credential is stored, and its RotationSecretsStored
 *   completes the job at rotation-config. That event is queued once more here: the lease ran
 *   out although the job was stored, so the first one may be late or lost (Kafka can lose an
 *   acknowledged message when a broker dies), and without it the job would stay in flight.
 *   rotation-config records whichever arrives first and ignores the other.
 * - RotationTimedOut comes first: the generation is fenced (the guard moves to it), so the
 *   CredentialsRotated that may still arrive is ignored as stale, and rotation-config is told
 *   the job failed (retryable). Its next job may then rotate the same slot again safely: the
 *   store goes on serving the other slot's credential.
 *
 * rotation-config ending the job on the timeout alone would let it request the same slot again
 * while this store goes on to serve the credential that request replaces (docs/architecture.md, invariant 1).
 */
@CommandHandler(SettleTimedOutJobCommand)
export class SettleTimedOutJobHandler implements ICommandHandler<SettleTimedOutJobCommand> {
  private readonly logger = new Logger('SettleTimedOutJob');

  constructor(
    private readonly generations: RotationGenerations,
    private readonly credentials: RotationCredentialsRepository,
  ) {}

  async execute({ event, tx }: SettleTimedOutJobCommand): Promise<SettleTimedOutJobOutcome> {
    const p = event.payload;
    const guard = await this.generations.lock(tx, p.rotationId);
    if (guard.deleted) return { fenced: false, reason: 'rotation-deleted' };
    if (p.generation <= guard.lastGeneration) {
      const stored = await this.credentials.storedJob(tx, p.rotationId, p.jobId);
      if (!stored || stored.generation !== p.generation) {
        // A later job stored over it, or this job was fenced already: its outcome was reported.
        this.logger.log(`rotation ${p.rotationId}: timed-out job ${p.jobId} (generation ${p.generation}) is settled already`);
        return { fenced: false, reason: 'settled' };
      }
      await Outbox.enqueue(tx, [
        createEnvelope('RotationSecretsStored', p.rotationId, {
          rotationId: p.rotationId, projectId: p.projectId, jobId: p.jobId, generation: p.generation,
          activeIndex: stored.activeIndex, versions: stored.versions, storedAt: stored.storedAt.toISOString(),
        }, causedBy(event)),
      ]);
      this.logger.warn(`rotation ${p.rotationId}: timed-out job ${p.jobId} (generation ${p.generation}) was stored; its completion sent again`);
      return { fenced: false, reason: 'already-stored' };
    }
    await this.generations.advance(tx, p.rotationId, p.generation);
    await Outbox.enqueue(tx, [
      createEnvelope('RotationFailed', p.rotationId, {
        rotationId: p.rotationId,
        projectId: p.projectId,
        jobId: p.jobId,
        generation: p.generation,
        message: `${p.message}; no credential of this job was stored, and none will be`,
        node: null,
        retryable: true,
        failedAt: p.timedOutAt,
      }, causedBy(event)),
    ]);
    this.logger.warn(`rotation ${p.rotationId}: timed-out job ${p.jobId} fenced at generation ${p.generation}; reported failed`);
    return { fenced: true };
  }
}
