import { RotorError } from '@rotor/util';

/** Stable codes of the Rotation aggregate's refusals. */
export const ROTATION_ERRORS = {
  notFound: 'ROTATION.NOT_FOUND',
  alreadyExists: 'ROTATION.ALREADY_EXISTS',
  inFlight: 'ROTATION.IN_FLIGHT',
  alreadyIssued: 'ROTATION.ALREADY_ISSUED',
  invalid: 'ROTATION.INVALID',
} as const;

export function rotationNotFound(): RotorError {
  return RotorError.notFound(ROTATION_ERRORS.notFound, 'the secret rotation does not exist');
}

export function rotationInFlight(jobId: string): RotorError {
  return RotorError.conflict(ROTATION_ERRORS.inFlight, `a rotation is already in progress (job ${jobId}); try again when it has finished`);
}
