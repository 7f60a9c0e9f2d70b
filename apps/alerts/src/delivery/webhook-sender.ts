import { request as httpRequest, IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { SIGNATURE_HEADER, signatureHeader } from '@rotor/webhooks';
import { AttemptOutcome } from './delivery.repository';

export interface Outgoing {
  url: string;
  deliveryId: string;
  event: string;
  body: string;
  secret: string;
}

/**
 * One POST of a delivery: signed at the moment it is sent, bounded by `timeoutMs`, redirects
 * not followed (a 3xx is a failure). The answer's body is read and dropped: nothing a receiver
 * says is stored. node:http rather than fetch: a timeout that ends the request and its socket,
 * and no redirect handling to switch off.
 */
export function sendDelivery(out: Outgoing, now: Date, timeoutMs: number): Promise<AttemptOutcome & { delivered: boolean }> {
  const started = process.hrtime.bigint();
  const elapsed = () => Number((process.hrtime.bigint() - started) / 1_000_000n);
  const payload = Buffer.from(out.body, 'utf8');
  const url = new URL(out.url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (statusCode: number | null, error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const delivered = statusCode !== null && statusCode >= 200 && statusCode < 300;
      resolve({ attemptedAt: now, statusCode, durationMs: elapsed(), error: delivered ? null : error, delivered });
    };
    const req = send(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': payload.length,
          'user-agent': 'Rotor-Webhooks/1',
          'x-rotor-event': out.event,
          'x-rotor-delivery': out.deliveryId,
          [SIGNATURE_HEADER]: signatureHeader(out.secret, out.body, now),
        },
      },
      (res: IncomingMessage) => {
        res.resume();
        res.on('end', () => finish(res.statusCode ?? null, `the receiver answered ${res.statusCode}`));
        res.on('error', (e) => finish(res.statusCode ?? null, networkError(e)));
      },
    );
    const timer = setTimeout(() => {
      finish(null, `no answer within ${timeoutMs} ms`);
      req.destroy();
    }, timeoutMs);
    req.on('error', (e) => finish(null, networkError(e)));
    req.end(payload);
  });
}

/** The error's code and a short message; TLS and DNS messages name hosts, never our secret. */
function networkError(e: Error): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code ? `${code}: ${e.message}`.slice(0, 300) : e.message.slice(0, 300);
}
