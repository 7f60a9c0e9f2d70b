import { Inject, Injectable, Logger } from '@nestjs/common';
import { causedBy, createEnvelope, Envelope } from '@rotor/contracts';
import { Outbox } from '@rotor/event-store';
import { rotorUsernames } from '@rotor/rotation-domain';
import { Clock, CLOCK } from '@rotor/util';
import { EntityManager } from 'typeorm';
import { lockRotation, recordRevocationJob } from '../executor-jobs/executor-jobs';
import { ROTATION_PROVIDERS, RotationProviders } from '../providers';
import { providerTypeOf } from './provider-type';
import { VerificationTargets } from '../verification/verification-targets';

type RevocationRequested = Envelope<'RevocationRequested'>;

/**
 * RevocationRequested → ACL DELUSER on every node, then persist → CredentialsRevoked.
 *
 * Only the two users Rotor created for this rotation are ever deleted; any other name in the
 * request is left alone and logged (docs/architecture.md, invariant 6). A failure is thrown, not turned into an
 * event: the ConsumerRunner retries with backoff and then parks the message on the DLQ
 * (deleting a user that is already gone is not an error, so retries are safe). The
 * executor_jobs row marks the rotation revoked, so a RotationRequested that turns up later
 * cannot bring a user back.
 */
@Injectable()
export class RevocationRequestedHandler {
  private readonly logger = new Logger('RevocationRequested');

  constructor(
    @Inject(ROTATION_PROVIDERS) private readonly providers: RotationProviders,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async handle(event: RevocationRequested, tx: EntityManager): Promise<void> {
    const p = event.payload;
    await lockRotation(tx, p.rotationId);
    const own = new Set<string>(rotorUsernames(p.rotationId));
    const usernames = [...new Set(p.usernames)].filter((u) => own.has(u));
    const refused = p.usernames.filter((u) => !own.has(u));
    if (refused.length > 0) {
      this.logger.warn(`job ${p.jobId}: not revoking ${refused.length} user(s) that rotation ${p.rotationId} did not create`);
    }

    const revoked = await this.providers[providerTypeOf(event)].revoke({
      projectId: p.projectId,
      connectionId: p.connection.connectionId,
      connection: p.connection,
      usernames,
    });

    await Outbox.enqueue(tx, [
      createEnvelope(
        'CredentialsRevoked',
        p.rotationId,
        {
          rotationId: p.rotationId,
          projectId: p.projectId,
          jobId: p.jobId,
          usernames: revoked.usernames,
          nodes: revoked.nodes,
          revokedAt: this.clock.now().toISOString(),
        },
        causedBy(event),
      ),
    ]);
    await recordRevocationJob(tx, { rotationId: p.rotationId, jobId: p.jobId });
    await VerificationTargets.remove(tx, p.rotationId);
    this.logger.log(`job ${p.jobId}: revoked ${revoked.usernames.length} user(s) of rotation ${p.rotationId} on ${revoked.nodes.length} node(s)`);
  }
}
