import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { EVENTS, EventType, PayloadOf, isEventType } from './registry';

/** The envelope every event travels in (docs/architecture.md). */
export const EnvelopeSchema = z.object({
  eventId: z.uuid(),
  type: z.string().min(1),
  schemaVersion: z.number().int().min(1),
  occurredAt: z.iso.datetime({ offset: true }),
  aggregateId: z.string().min(1),
  correlationId: z.string().min(1),
  causationId: z.string().min(1).nullable(),
  payload: z.unknown(),
}).strict();

export interface Envelope<T extends EventType = EventType> {
  eventId: string;
  type: T;
  schemaVersion: number;
  occurredAt: string;
  aggregateId: string;
  correlationId: string;
  causationId: string | null;
  payload: PayloadOf<T>;
}

/** A discriminated union of every envelope, narrowed by `type`. */
export type AnyEnvelope = { [T in EventType]: Envelope<T> }[EventType];

export interface EnvelopeOptions {
  eventId?: string;
  occurredAt?: Date;
  correlationId?: string;
  causationId?: string | null;
}

/**
 * Envelopes createEnvelope built and checked, with their JSON as built. The contracts hold no
 * transform, default or coercion, so an object that passes them serializes to JSON that
 * passes them too: while an envelope's JSON is still exactly this, parseEnvelope would
 * accept it, and it needs no second check before it is stored (serializeChecked).
 */
const built = new WeakMap<object, string>();

/** Builds an envelope and validates its payload; throws on a payload that breaks the contract. */
export function createEnvelope<T extends EventType>(
  type: T,
  aggregateId: string,
  payload: PayloadOf<T>,
  options: EnvelopeOptions = {},
): Envelope<T> {
  const eventId = options.eventId ?? randomUUID();
  const parsed = EVENTS[type].payload.safeParse(payload);
  if (!parsed.success) throw new Error(`invalid ${type} payload: ${describeIssues(parsed.error)}`);
  const envelope: Envelope<T> = {
    eventId,
    type,
    schemaVersion: EVENTS[type].schemaVersion,
    occurredAt: (options.occurredAt ?? new Date()).toISOString(),
    aggregateId,
    correlationId: options.correlationId ?? eventId,
    causationId: options.causationId ?? null,
    payload: parsed.data as PayloadOf<T>,
  };
  // The envelope's own fields (an id or a correlation from the options, the aggregate id)
  // are checked when it is stored, as before, unless they already pass here.
  if (EnvelopeSchema.safeParse(envelope).success) built.set(envelope, JSON.stringify(envelope));
  return envelope;
}

/**
 * `envelope` as JSON, and whether that JSON is exactly what createEnvelope built and checked
 * (nothing changed it since): then parseEnvelope would accept it, and a check before storing
 * it can be skipped. Anything else (built elsewhere, changed after) is `checked: false`.
 */
export function serializeChecked(envelope: Envelope): { json: string; checked: boolean } {
  const json = JSON.stringify(envelope);
  return { json, checked: built.get(envelope) === json };
}

/** An envelope caused by another: same correlation, causation = the cause's event id. */
export function causedBy(cause: Pick<Envelope, 'eventId' | 'correlationId'>): EnvelopeOptions {
  return { correlationId: cause.correlationId, causationId: cause.eventId };
}

export type ParseResult = { ok: true; event: AnyEnvelope } | { ok: false; reason: string };

/**
 * Parses a message from the wire. Never throws: an unknown type, an unsupported schema
 * version or a malformed payload comes back as `{ ok: false, reason }` for the DLQ.
 *
 * `reads`, when given, says which types the caller reads the payload of: for the others the
 * envelope is checked and the payload is not (a consumer passing them over saves the work),
 * so such an event's payload must not be read.
 */
export function parseEnvelope(raw: Buffer | string | null | undefined, reads?: (type: EventType) => boolean): ParseResult {
  if (raw === null || raw === undefined) return { ok: false, reason: 'empty message' };
  let json: unknown;
  try {
    json = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch {
    return { ok: false, reason: 'message is not valid JSON' };
  }
  const envelope = EnvelopeSchema.safeParse(json);
  if (!envelope.success) return { ok: false, reason: `malformed envelope: ${describeIssues(envelope.error)}` };
  const { type, schemaVersion } = envelope.data;
  if (!isEventType(type)) return { ok: false, reason: `unknown event type "${type}"` };
  const definition = EVENTS[type];
  if (schemaVersion !== definition.schemaVersion) {
    return { ok: false, reason: `unsupported schemaVersion ${schemaVersion} for ${type} (expected ${definition.schemaVersion})` };
  }
  if (reads && !reads(type)) return { ok: true, event: { ...envelope.data, type } as AnyEnvelope };
  const payload = definition.payload.safeParse(envelope.data.payload);
  if (!payload.success) return { ok: false, reason: `invalid ${type} payload: ${describeIssues(payload.error)}` };
  return { ok: true, event: { ...envelope.data, type, payload: payload.data } as AnyEnvelope };
}

export function serializeEnvelope(envelope: Envelope): string {
  return JSON.stringify(envelope);
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}
