import { Inject, Injectable, Logger } from '@nestjs/common';
import { AnyEnvelope, causedBy, createEnvelope, Envelope } from '@rotor/contracts';
import { EnvelopeCipher } from '@rotor/crypto';
import { rotorUsername } from '@rotor/rotation-domain';
import { Clock, CLOCK } from '@rotor/util';
import { EntityManager } from 'typeorm';
import { lockedJobsOf, lockRotationAndFindJob, lockRotationsText, recordRotationJob, RotationJob, skipReason } from '../executor-jobs/executor-jobs';
import { ExecutorJobRow } from '../executor-jobs/executor-job.entity';
import { ExecutorMetrics } from '../metrics';
import { IssuedCredential, ROTATION_PROVIDERS, RotationProviderError, RotationProviders } from '../providers';
import { EXECUTOR_CONFIG, ExecutorConfig } from '../config';
import { providerTypeOf } from './provider-type';
import { VerificationTargets } from '../verification/verification-targets';

type RotationRequested = Envelope<'RotationRequested'>;

/** Failures decided before any Redis command was sent: the slot's user is as it was. */
const UNTOUCHED = new Set([
  'ROTATION.EXPIRED', 'ROTATION.FOREIGN_USER', 'PASSWORD.INVALID_REQUIREMENTS', 'CONNECTION.SEALED_SECRET_UNREADABLE',
  'REDIS.NOT_ROTOR_USER', 'REDIS.INVALID_RULES',
]);

/**
 * RotationRequested → the slot's user gets a new password on every node → CredentialsRotated
 * (password sealed) or RotationFailed. Runs inside the ConsumerRunner's transaction, which
 * has already claimed the event id in the inbox.
 *
 * Why a redelivered job never yields a second, different CredentialsRotated:
 * - The inbox claim, the executor_jobs row and the outbox row commit in one transaction, or
 *   none of them do. The same event id delivered again finds its inbox claim and never gets
 *   here; any other event for this rotation with a generation at or below the recorded one
 *   (same job re-emitted, or older) is skipped below without touching Redis. The advisory
 *   lock makes the read of executor_jobs and the write after it atomic per rotation, even
 *   when a rebalance lets two consumers hold the same message for a moment.
 * - The Redis work happens before the commit, so a crash (or a failed commit) after ACL
 *   SETUSER leaves no trace in Postgres: the message is redelivered and the slot is set
 *   again, with a new password, and only that attempt's CredentialsRotated is ever
 *   committed. The password set by the lost attempt was never sealed, stored or sent
 *   anywhere. That is harmless because the target slot is never the active one: the secret
 *   store keeps serving the other slot's credential, which nothing here touches, until a
 *   committed CredentialsRotated names the new one (docs/architecture.md, invariant 1).
 * - The transaction holds the rotation's advisory lock (and, with it, a database connection)
 *   through the Redis work. The lock and the read of executor_jobs take one round trip
 *   (lockRotationAndFindJob), and so do the executor_jobs row, verification_targets and the
 *   outcome's outbox row (recordJob): the outbox rows take no lock of their own, so where
 *   they are written changes nothing but the order of the writes.
 */
@Injectable()
export class RotationRequestedHandler {
  private readonly logger = new Logger('RotationRequested');
  /** Per transaction, the rows readAhead locked and read, until each rotation's first job there. */
  private readonly locked = new WeakMap<EntityManager, Map<string, ExecutorJobRow | null>>();

  constructor(
    @Inject(ROTATION_PROVIDERS) private readonly providers: RotationProviders,
    private readonly cipher: EnvelopeCipher,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly metrics: ExecutorMetrics,
    @Inject(EXECUTOR_CONFIG) private readonly config: ExecutorConfig,
  ) {}

  /**
   * The lock and executor_jobs row of every rotation a transaction's RotationRequested are for,
   * in the statement that claims them (a consumer's read ahead): null when there are none.
   */
  readAhead(events: AnyEnvelope[]): string | null {
    const rotations = events.flatMap((e) => (e.type === 'RotationRequested' ? [e.payload.rotationId] : []));
    return rotations.length === 0 ? null : lockRotationsText(rotations);
  }

  /** Keeps what readAhead locked and read in `tx`, each row for its rotation's next job there. */
  prepare(tx: EntityManager, ahead: readonly Record<string, unknown>[]): void {
    if (ahead.length > 0) this.locked.set(tx, lockedJobsOf(ahead));
  }

  async handle(event: RotationRequested, tx: EntityManager): Promise<void> {
    const p = event.payload;
    const skip = skipReason(await this.lockedJob(tx, p.rotationId), p.generation);
    if (skip) {
      this.logger.log(`skipped job ${p.jobId} of rotation ${p.rotationId}: ${skip}`);
      this.metrics.count('skipped');
      return;
    }

    const timer = this.metrics.duration.startTimer();
    const result = await this.setCredential(event);
    const outcome = 'credential' in result ? 'rotated' : 'failed';
    // Sealed once: the same ciphertext goes to the secret store and to verification_targets.
    const sealed = 'credential' in result
      ? this.cipher.seal(result.credential.password, { projectId: p.projectId, owner: p.rotationId, field: 'password' })
      : null;
    const outcomeEvent = 'credential' in result ? this.credentialsRotated(event, result.credential, sealed as string) : this.rotationFailed(event, result.failure);
    await this.recordJob(tx, event, result, sealed, { rotationId: p.rotationId, generation: p.generation, jobId: p.jobId, outcome }, outcomeEvent);
    timer({ outcome });
    this.metrics.count(outcome);
    if ('failure' in result) {
      const f = result.failure;
      this.logger.warn(`job ${p.jobId} of rotation ${p.rotationId} failed [${f.code}] on ${f.node ?? 'no single node'}: ${f.message}`);
    } else {
      this.logger.log(`job ${p.jobId} of rotation ${p.rotationId}: slot ${p.targetIndex} rotated on ${result.credential.nodes.length} node(s)`);
    }
  }

  /**
   * The rotation's row, locked: read ahead with the claim when this is the transaction's first
   * job of the rotation; a later one locks (again, a no-op) and reads what the first one wrote.
   */
  private async lockedJob(tx: EntityManager, rotationId: string): Promise<ExecutorJobRow | null> {
    const ahead = this.locked.get(tx);
    if (ahead?.has(rotationId)) {
      const row = ahead.get(rotationId) ?? null;
      ahead.delete(rotationId);
      return row;
    }
    return lockRotationAndFindJob(tx, rotationId);
  }

  private async setCredential(
    event: RotationRequested,
  ): Promise<{ credential: IssuedCredential } | { failure: RotationProviderError }> {
    const p = event.payload;
    const ageMs = this.clock.now().getTime() - new Date(p.requestedAt).getTime();
    if (this.config.leaseMs !== undefined && ageMs > this.config.leaseMs) {
      return {
        failure: new RotationProviderError(
          'ROTATION.EXPIRED',
          `Abandoned job ${p.jobId}: requested ${Math.round(ageMs / 1000)} s ago, past the ${this.config.leaseMs / 1000} s lease; a retry takes over.`,
          null,
          true,
        ),
      };
    }
    // Rotor only changes users it created for this very rotation and slot (docs/architecture.md, invariant 6).
    const expected = rotorUsername(p.rotationId, p.targetIndex);
    if (p.username !== expected) {
      return {
        failure: new RotationProviderError(
          'ROTATION.FOREIGN_USER',
          `Refusing to rotate user "${p.username}": slot ${p.targetIndex} of rotation ${p.rotationId} is "${expected}".`,
        ),
      };
    }
    const provider = this.providers[providerTypeOf(event)];
    const request = {
      projectId: p.projectId,
      connectionId: p.connection.connectionId,
      connection: p.connection,
      rotationId: p.rotationId,
      username: p.username,
      parameters: { permissionScope: p.permissionScope, passwordRequirements: p.passwordRequirements },
    };
    try {
      const credential = p.reason === 'initial' ? await provider.issue(request) : await provider.rotate(request);
      return { credential };
    } catch (e) {
      // Anything else is a defect (or Postgres): thrown, so the runner retries, then DLQs.
      if (e instanceof RotationProviderError) return { failure: e };
      throw e;
    }
  }

  /**
   * The executor_jobs row, the outcome event's outbox row, and what continuous verification
   * needs: the credential of each slot (sealed, as in the event); the slot's old credential is
   * no longer expected to work once a job touched it. A job refused before Redis was asked
   * changed nothing there. One statement.
   */
  private async recordJob(
    tx: EntityManager,
    event: RotationRequested,
    result: { credential: IssuedCredential } | { failure: RotationProviderError },
    sealed: string | null,
    job: RotationJob,
    outcome: AnyEnvelope,
  ): Promise<void> {
    if ('failure' in result && UNTOUCHED.has(result.failure.code)) {
      await recordRotationJob(tx, job, [outcome]);
      return;
    }
    const p = event.payload;
    await VerificationTargets.recordSlotWork(
      tx,
      { rotationId: p.rotationId, projectId: p.projectId, provider: providerTypeOf(event), connection: p.connection },
      p.targetIndex,
      'credential' in result && sealed ? { username: result.credential.username, password: sealed, generation: p.generation } : null,
      job,
      [outcome],
    );
  }

  private credentialsRotated(cause: RotationRequested, credential: IssuedCredential, sealedPassword: string): AnyEnvelope {
    const p = cause.payload;
    return createEnvelope(
      'CredentialsRotated',
      p.rotationId,
      {
        rotationId: p.rotationId,
        projectId: p.projectId,
        environment: p.environment,
        secretPath: p.secretPath,
        secretsMapping: p.secretsMapping,
        jobId: p.jobId,
        generation: p.generation,
        activeIndex: p.targetIndex,
        username: credential.username,
        password: sealedPassword,
        nodes: credential.nodes,
        rotatedAt: this.clock.now().toISOString(),
      },
      causedBy(cause),
    );
  }

  private rotationFailed(cause: RotationRequested, failure: RotationProviderError): AnyEnvelope {
    const p = cause.payload;
    return createEnvelope(
      'RotationFailed',
      p.rotationId,
      {
        rotationId: p.rotationId,
        projectId: p.projectId,
        jobId: p.jobId,
        generation: p.generation,
        message: `[${failure.code}] ${failure.message}`,
        node: failure.node,
        retryable: failure.retryable,
        failedAt: this.clock.now().toISOString(),
      },
      causedBy(cause),
    );
  }
}
