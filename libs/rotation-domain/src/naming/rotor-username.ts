import { createHash } from 'node:crypto';
import { RotorError } from '@rotor/util';

export type CredentialIndex = 0 | 1;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ROTOR_USERNAME = /^rotor_[0-9a-f]{32}_[01]$/;

/**
 * The Redis username of one of a rotation's two credential sets: `rotor_<32 hex>_<index>`.
 * A uuid rotation id gives its own 32 hex digits (lowercased, so the name is the same
 * whatever case the id came in); any other id gives the first 32 hex digits of its SHA-256.
 * The prefix and fixed shape let Rotor recognise, and only ever touch, users it created
 * (docs/architecture.md, invariant 6).
 */
export function rotorUsername(rotationId: string, index: CredentialIndex): string {
  if (typeof rotationId !== 'string' || rotationId === '') {
    throw new RotorError('NAMING.INVALID_ROTATION_ID', 'a rotation id is needed to name its Redis users', 'validation');
  }
  if (index !== 0 && index !== 1) {
    throw new RotorError('NAMING.INVALID_INDEX', `a credential index is 0 or 1, got ${String(index)}`, 'validation');
  }
  const hex = UUID.test(rotationId)
    ? rotationId.replace(/-/g, '').toLowerCase()
    : createHash('sha256').update(rotationId, 'utf8').digest('hex').slice(0, 32);
  return `rotor_${hex}_${index}`;
}

/** Both usernames of a rotation, by credential index. */
export function rotorUsernames(rotationId: string): [string, string] {
  return [rotorUsername(rotationId, 0), rotorUsername(rotationId, 1)];
}

/** True only for names rotorUsername can produce. */
export function isRotorUsername(name: string): boolean {
  return typeof name === 'string' && ROTOR_USERNAME.test(name);
}
