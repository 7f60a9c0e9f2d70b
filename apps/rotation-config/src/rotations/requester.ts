import { RequestedBy, ROTOR_ITSELF } from '@rotor/rotation-domain';
import type { RequestOrigin } from '@rotor/service-runtime';

/**
 * Who asked for an API call: the identity the gateway named, or Rotor itself when the
 * (internal, already authenticated) call named none.
 */
export function requesterOf(origin: RequestOrigin): RequestedBy {
  return origin.actor ?? ROTOR_ITSELF;
}
