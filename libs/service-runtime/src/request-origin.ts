import { Actor } from '@rotor/contracts';

/** Sent by the gateway with every forwarded request: the audit record's correlation id. */
export const CORRELATION_ID_HEADER = 'x-correlation-id';
/** Sent by the gateway with every forwarded request: who asked (base64url JSON of an Actor). */
export const ACTOR_HEADER = 'x-rotor-actor';

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Who asked for a request and the correlation id its events carry, as the gateway sent them. */
export interface RequestOrigin {
  actor?: Actor;
  correlationId?: string;
}

export function encodeActorHeader(actor: Actor): string {
  return Buffer.from(JSON.stringify(actor), 'utf8').toString('base64url');
}

/**
 * The origin of an internal request; a header that is absent or malformed is left out (the
 * internal token already proved the caller is Rotor's gateway, so this is never a refusal).
 */
export function readRequestOrigin(headers: Record<string, string | string[] | undefined>): RequestOrigin {
  const origin: RequestOrigin = {};
  const correlationId = first(headers[CORRELATION_ID_HEADER]);
  if (correlationId && CORRELATION_ID.test(correlationId)) origin.correlationId = correlationId;
  const actor = first(headers[ACTOR_HEADER]);
  if (actor) {
    try {
      const parsed = Actor.safeParse(JSON.parse(Buffer.from(actor, 'base64url').toString('utf8')));
      if (parsed.success) origin.actor = parsed.data;
    } catch {
      // not JSON: no actor
    }
  }
  return origin;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
