import { AnyEnvelope, parseEnvelope } from '@rotor/contracts';
import { RotorError } from '@rotor/util';

/**
 * Nothing enters the store or the outbox that consumers would reject: the envelope and its
 * payload are checked against the contract (which also refuses plaintext credentials).
 */
export function assertValidEnvelopes(events: readonly AnyEnvelope[]): void {
  for (const event of events) {
    const parsed = parseEnvelope(JSON.stringify(event));
    if (!parsed.ok) throw new RotorError('EVENT_STORE.INVALID_EVENT', parsed.reason, 'validation');
  }
}
