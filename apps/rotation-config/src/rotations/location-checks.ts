import { Injectable } from '@nestjs/common';
import { SecretStoreClient } from '../secret-store/secret-store.client';
import { locationConflicts } from './rotation-errors';
import { RotationsReadModel } from './rotations.read-model';

export interface RotationLocation {
  projectId: string;
  environment: string;
  secretPath: string;
}

/**
 * Every check that a rotation's name and mapped secrets are free at its location, made before
 * anything is written or requested (create: before the first credential set is issued in
 * Redis). The read model knows the rotations; the secret store knows every secret, a user's
 * own included. A secret store that cannot be asked refuses the change (503) rather than
 * letting a rotation take over a secret unseen.
 */
@Injectable()
export class LocationChecks {
  constructor(
    private readonly readModel: RotationsReadModel,
    private readonly secretStore: SecretStoreClient,
  ) {}

  async assertFree(
    location: RotationLocation,
    name: string | undefined,
    mapping: { username: string; password: string } | undefined,
    rotationId: string | null,
  ): Promise<void> {
    const secretNames = mapping ? [mapping.username, mapping.password] : [];
    const [taken, existing] = await Promise.all([
      this.readModel.conflicts(location, name, secretNames, rotationId),
      secretNames.length === 0 ? [] : this.secretStore.secretsAt(location),
    ]);
    const others = new Map(
      existing.filter((s) => secretNames.includes(s.secretKey) && (rotationId === null || s.rotationId !== rotationId)).map((s) => [s.secretKey, s.rotationId]),
    );
    const conflict = locationConflicts(name, taken.nameTaken, mapping, taken.mappedBy, others);
    if (conflict) throw conflict;
  }
}
