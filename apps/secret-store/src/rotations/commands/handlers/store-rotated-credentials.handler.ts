import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CredentialsRotated, causedBy, createEnvelope } from '@rotor/contracts';
import { EnvelopeCipher, SealContext } from '@rotor/crypto';
import { CLOCK, Clock, RotorError } from '@rotor/util';
import { EntityManager } from 'typeorm';
import { SecretFolder, describeLocation, canonicalSecretPath } from '../../../secrets/secret-location';
import { HeadRecord, SecretHead, SecretRepository, VersionMeta, headsOf, lockForRotationSelect } from '../../../secrets/secret.repository';
import { RotationCredentialsRepository } from '../../rotation-credentials.repository';
import { RotationGenerations } from '../../rotation-generations';
import { StoreRotatedCredentialsCommand, StoreRotatedCredentialsOutcome } from '../store-rotated-credentials.command';

/**
 * CredentialsRotated → new versions of the mapped username and password secrets, the rotated
 * slot for the generated-credentials endpoint, and RotationSecretsStored + SecretsUpdated in
 * the outbox — all in the consumer's one transaction, so a reader never sees a new username
 * with an old password and a redelivered message finds its event already claimed.
 */
@CommandHandler(StoreRotatedCredentialsCommand)
export class StoreRotatedCredentialsHandler implements ICommandHandler<StoreRotatedCredentialsCommand> {
  private readonly logger = new Logger('StoreRotatedCredentials');

  constructor(
    private readonly secrets: SecretRepository,
    private readonly credentials: RotationCredentialsRepository,
    private readonly generations: RotationGenerations,
    private readonly cipher: EnvelopeCipher,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ event, tx }: StoreRotatedCredentialsCommand): Promise<StoreRotatedCredentialsOutcome> {
    const p = event.payload;
    const folder = { projectId: p.projectId, environment: p.environment, secretPath: canonicalSecretPath(p.secretPath) };
    const mapped = [p.secretsMapping.username, p.secretsMapping.password];
    // The guard and, right after it, the secrets this write may touch: one statement.
    const { guard, rows } = await this.generations.lockThen<LockedRow>(tx, p.rotationId, lockForRotationSelect(folder, mapped, p.rotationId));
    if (guard.deleted) {
      this.logger.warn(`rotation ${p.rotationId} was deleted; generation ${p.generation} not stored`);
      return { stored: false, reason: 'rotation-deleted' };
    }
    if (p.generation <= guard.lastGeneration) {
      this.logger.log(`rotation ${p.rotationId}: generation ${p.generation} is not newer than ${guard.lastGeneration}; ignored`);
      return { stored: false, reason: 'stale-generation' };
    }
    if (p.secretsMapping.username === p.secretsMapping.password) {
      throw RotorError.validation('SECRET.MAPPING_INVALID', [
        { field: 'secretsMapping', message: 'username and password must map to different secrets' },
      ]);
    }

    const password = this.cipher.open(p.password, executorPasswordContext(p));
    const meta: VersionMeta = { rotationId: p.rotationId, jobId: p.jobId, at: this.clock.now() };
    const { written: [username, pass], writeVersions } = await this.writeManaged(tx, p.rotationId, folder, headsOf(rows), [
      { secretKey: p.secretsMapping.username, value: p.username },
      { secretKey: p.secretsMapping.password, value: password },
    ], meta);

    const versions = { username: username.version, password: pass.version };
    const storedAt = meta.at.toISOString();
    // Also advances the generation guard locked above, writes the secrets' new versions and
    // queues the events: one statement.
    await this.credentials.storeActiveSlot(tx, {
      rotationId: p.rotationId, projectId: p.projectId, index: p.activeIndex,
      username: p.username, password, generation: p.generation, jobId: p.jobId, versions, at: meta.at,
    }, [
      createEnvelope('RotationSecretsStored', p.rotationId, {
        rotationId: p.rotationId, projectId: p.projectId, jobId: p.jobId, generation: p.generation,
        activeIndex: p.activeIndex, versions, storedAt,
      }, causedBy(event)),
      createEnvelope('SecretsUpdated', p.rotationId, {
        ...folder,
        rotationId: p.rotationId,
        secrets: [
          { key: username.secretKey, version: username.version },
          { key: pass.secretKey, version: pass.version },
        ],
        updatedAt: storedAt,
      }, causedBy(event)),
    ], writeVersions);
    this.logger.log(`rotation ${p.rotationId}: generation ${p.generation} stored (versions ${versions.username}/${versions.password})`);
    return { stored: true, versions };
  }

  /**
   * New versions of the mapped secrets, in mapping order, given them and every secret the
   * rotation manages, `locked` (lockForRotationSelect). The versions of those that exist are
   * returned as `writeVersions`, for the caller's statement that writes the slot; a key seen
   * for the first time is created here. A rotation takes over an ordinary secret of the same
   * name (its history stays as older versions) but never one that another rotation manages.
   * The mapping may change between rotations (RotationUpdated, applied from the next one):
   * secrets mapped before keep their last value as ordinary secrets rather than vanishing under
   * the services that read them.
   */
  private async writeManaged(
    tx: EntityManager,
    rotationId: string,
    folder: SecretFolder,
    locked: SecretHead[],
    mapped: { secretKey: string; value: string }[],
    meta: VersionMeta,
  ): Promise<{ written: SecretHead[]; writeVersions?: (params: unknown[]) => string[] }> {
    const inFolder = (h: SecretHead, key: string) =>
      h.environment === folder.environment && h.secretPath === folder.secretPath && h.secretKey === key;
    const heads = mapped.map((m) => locked.find((h) => inFolder(h, m.secretKey)) ?? null);
    for (const [i, head] of heads.entries()) {
      if (head && head.rotationId !== null && head.rotationId !== rotationId) {
        throw RotorError.conflict(
          'SECRET.MANAGED_BY_ROTATION',
          `secret ${describeLocation({ ...folder, secretKey: mapped[i].secretKey })} is managed by rotation ${head.rotationId}, not ${rotationId}`,
        );
      }
    }

    const existing = heads.flatMap((head, i) => (head ? [{ head, plaintext: mapped[i].value }] : []));
    const append = this.secrets.versionsAppend(existing, meta);
    const appended = [...append.next];
    const written: SecretHead[] = [];
    for (const [i, head] of heads.entries()) {
      // A key seen for the first time (the rotation's first credential, a new mapping) is created.
      written.push(head ? (appended.shift() as SecretHead) : await this.secrets.create(tx, { ...folder, secretKey: mapped[i].secretKey }, mapped[i].value, meta));
    }

    const keep = new Set(written.map((h) => h.id));
    const released = locked.filter((h) => h.rotationId === rotationId && !keep.has(h.id));
    if (released.length > 0) {
      await this.secrets.detach(tx, released.map((h) => h.id), meta.at);
      this.logger.log(`rotation ${rotationId}: ${released.map((h) => describeLocation(h)).join(', ')} no longer mapped; kept as ordinary secrets`);
    }
    return { written, writeVersions: existing.length > 0 ? append.parts : undefined };
  }
}

type LockedRow = HeadRecord | { id: null };

/** How redis-executor seals the password it puts in CredentialsRotated (see the contract). */
export function executorPasswordContext(p: Pick<CredentialsRotated, 'projectId' | 'rotationId'>): SealContext {
  return { projectId: p.projectId, owner: p.rotationId, field: 'password' };
}
