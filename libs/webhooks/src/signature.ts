import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Deliveries are signed like this, so a receiver can tell they come from Rotor and are fresh:
 *   x-rotor-signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
 * The key is the webhook's whole secret string (`whsec_…`, UTF-8), shown once at creation.
 */
export const SIGNATURE_HEADER = 'x-rotor-signature';
export const SECRET_PREFIX = 'whsec_';
/** How old a signature a receiver should still accept (the default of verifySignature). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export function generateWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function signature(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/** The header value for `body` signed at `now`. */
export function signatureHeader(secret: string, body: string, now: Date): string {
  const t = Math.floor(now.getTime() / 1000);
  return `t=${t},v1=${signature(secret, t, body)}`;
}

/**
 * What a receiver does: true when `header` signs exactly `body` with `secret`, at most
 * `toleranceSeconds` from `now` (replays of an old delivery fail). Compares in constant time.
 */
export function verifySignature(
  secret: string,
  header: string | undefined,
  body: string,
  { now = new Date(), toleranceSeconds = DEFAULT_TOLERANCE_SECONDS }: { now?: Date; toleranceSeconds?: number } = {},
): boolean {
  if (!header) return false;
  const parts = new Map(header.split(',').map((p) => [p.slice(0, p.indexOf('=')).trim(), p.slice(p.indexOf('=') + 1).trim()] as const));
  const t = Number(parts.get('t'));
  const given = parts.get('v1') ?? '';
  if (!Number.isInteger(t) || !/^[0-9a-f]{64}$/.test(given)) return false;
  if (Math.abs(now.getTime() / 1000 - t) > toleranceSeconds) return false;
  return timingSafeEqual(Buffer.from(given, 'hex'), Buffer.from(signature(secret, t, body), 'hex'));
}
