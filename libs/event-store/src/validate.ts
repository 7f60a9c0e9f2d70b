import { AnyEnvelope, parseEnvelope, serializeChecked } from '@rotor/contracts';
import { RotorError } from '@rotor/util';

/**
 * Nothing enters the store or the outbox that consumers would reject: the envelope and its
 * payload are checked against the contract (which also refuses plaintext credentials).
 * Returns each event's JSON, for the outbox row, so it is serialized once.
 *
 * An envelope createEnvelope built and checked, unchanged since (its JSON is still what was
 * built: serializeChecked), is not parsed and checked a second time; any other is.
 */
export function assertValidEnvelopes(events: readonly AnyEnvelope[]): string[] {
  return events.map((event) => {
    const { json, checked } = serializeChecked(event);
    if (checked) return json;
    const parsed = parseEnvelope(json);
    if (!parsed.ok) throw new RotorError('EVENT_STORE.INVALID_EVENT', parsed.reason, 'validation');
    return json;
  });
}
