import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, Clock } from '@rotor/util';
import { SecretRepository } from '../../../secrets/secret.repository';
import { RotationCredentialsRepository } from '../../rotation-credentials.repository';
import { RotationGenerations } from '../../rotation-generations';
import { ReleaseRotationSecretsCommand, ReleaseRotationSecretsOutcome } from '../release-rotation-secrets.command';

/**
 * A deleted rotation lets go of its secrets: with deleteSecrets they are removed with all their
 * versions, otherwise they stay as ordinary secrets that users may edit. Its credential slots
 * go either way (the rotation, and so its generated-credentials endpoint, no longer exists), and
 * a tombstone makes any later CredentialsRotated for it a no-op.
 */
@CommandHandler(ReleaseRotationSecretsCommand)
export class ReleaseRotationSecretsHandler implements ICommandHandler<ReleaseRotationSecretsCommand> {
  private readonly logger = new Logger('ReleaseRotationSecrets');

  constructor(
    private readonly secrets: SecretRepository,
    private readonly credentials: RotationCredentialsRepository,
    private readonly generations: RotationGenerations,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ event, tx }: ReleaseRotationSecretsCommand): Promise<ReleaseRotationSecretsOutcome> {
    const p = event.payload;
    const at = this.clock.now();
    await this.generations.lock(tx, p.rotationId);
    await this.generations.markDeleted(tx, p.rotationId, at);
    const managed = await this.secrets.lockManagedBy(tx, p.projectId, p.rotationId);
    const ids = managed.map((s) => s.id);
    if (p.deleteSecrets) await this.secrets.remove(tx, ids);
    else await this.secrets.detach(tx, ids, at);
    await this.credentials.remove(tx, p.rotationId);
    const outcome = p.deleteSecrets ? { deleted: ids.length, detached: 0 } : { deleted: 0, detached: ids.length };
    this.logger.log(`rotation ${p.rotationId} deleted: ${outcome.deleted} secrets removed, ${outcome.detached} detached`);
    return outcome;
  }
}
