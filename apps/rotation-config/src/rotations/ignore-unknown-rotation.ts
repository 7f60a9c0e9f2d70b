import { Logger } from '@nestjs/common';
import { ROTATION_ERRORS } from '@rotor/rotation-domain';
import { RotorError } from '@rotor/util';

/**
 * Results and due times may arrive for a rotation that was deleted meanwhile (or never lived
 * in this database): nothing to do, and nothing a retry would fix.
 */
export async function ignoringUnknownRotation(logger: Logger, what: string, work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (e) {
    if (e instanceof RotorError && e.code === ROTATION_ERRORS.notFound) {
      logger.log(`${what}: the rotation does not exist (deleted); ignored`);
      return;
    }
    throw e;
  }
}
