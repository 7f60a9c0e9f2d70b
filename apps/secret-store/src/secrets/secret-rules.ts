import { AnyEnvelope, createEnvelope } from '@rotor/contracts';
import { RotorError } from '@rotor/util';
import { SecretLocation, describeLocation } from './secret-location';
import { SecretHead } from './secret.repository';

/** Secrets a rotation manages are read-only through the API: the rotation owns their value. */
export function assertNotManaged(head: SecretHead): void {
  if (head.rotationId !== null) {
    throw RotorError.conflict(
      'SECRET.MANAGED_BY_ROTATION',
      `secret ${describeLocation(head)} is managed by rotation ${head.rotationId} and cannot be changed through the API`,
    );
  }
}

export function secretNotFound(loc: SecretLocation, version?: number): RotorError {
  const which = version === undefined ? '' : ` at version ${version}`;
  return RotorError.notFound('SECRET.NOT_FOUND', `secret ${describeLocation(loc)}${which} not found`);
}

/** The public event for a user's change to an ordinary secret (keyed by the secret's id). */
export function ordinarySecretUpdated(head: SecretHead, at: Date): AnyEnvelope {
  return createEnvelope('SecretsUpdated', head.id, {
    projectId: head.projectId,
    environment: head.environment,
    secretPath: head.secretPath,
    rotationId: null,
    secrets: [{ key: head.secretKey, version: head.version }],
    updatedAt: at.toISOString(),
  });
}
