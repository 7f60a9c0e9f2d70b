import { Outbox } from '@rotor/event-store';
import { Clock } from '@rotor/util';
import { EntityManager } from 'typeorm';
import { ordinarySecretUpdated } from '../../secret-rules';
import { SecretHead, VersionMeta } from '../../secret.repository';
import { SecretView, toSecretView } from '../../secret.view';

/**
 * A user's new version of an ordinary secret (no rotation, no job), written by `write` in `tx`:
 * announced as SecretsUpdated in the same transaction and answered with its value.
 */
export async function writeUserVersion(
  tx: EntityManager,
  clock: Clock,
  value: string,
  write: (meta: VersionMeta) => Promise<SecretHead>,
): Promise<SecretView> {
  const at = clock.now();
  const head = await write({ rotationId: null, jobId: null, at });
  await Outbox.enqueue(tx, [ordinarySecretUpdated(head, at)]);
  return toSecretView({ ...head, sealedValue: '', createdAt: at }, value);
}
