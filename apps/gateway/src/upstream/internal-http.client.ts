import { Inject, Injectable, Logger } from '@nestjs/common';
import { INTERNAL_TOKEN_HEADER, loadInternalToken } from '@rotor/service-runtime';
import { RotorError } from '@rotor/util';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway-config';

export type UpstreamService = 'rotation-config' | 'secret-store';

export interface UpstreamRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Starts with /internal/; every dynamic segment already URI-encoded. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
}

/** A 2xx or a 4xx the client should see as is. */
export interface UpstreamResponse {
  status: number;
  body: unknown;
}

/**
 * Calls the internal services with the internal token and a timeout. What the client must
 * never see as a 500: a service that is down, slow, failing or refusing our token is a 503
 * naming the service; its 4xx answers, and a 503 that states its cause, are passed through.
 */
@Injectable()
export class InternalHttpClient {
  private readonly logger = new Logger('upstream');
  private readonly token = loadInternalToken();
  private readonly baseUrls: Record<UpstreamService, string>;

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {
    this.baseUrls = { 'rotation-config': config.rotationConfigUrl, 'secret-store': config.secretStoreUrl };
  }

  async call(service: UpstreamService, req: UpstreamRequest): Promise<UpstreamResponse> {
    const url = new URL(req.path, this.baseUrls[service]);
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    let response: Response;
    try {
      response = await fetch(url, {
        method: req.method,
        headers: {
          [INTERNAL_TOKEN_HEADER]: this.token,
          accept: 'application/json',
          ...(req.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal: AbortSignal.timeout(this.config.upstreamTimeoutMs),
      });
    } catch (e) {
      // Not `instanceof`: the DOMException may come from another realm.
      const timedOut = (e as { name?: unknown } | null)?.name === 'TimeoutError';
      const reason = timedOut ? `did not answer within ${this.config.upstreamTimeoutMs} ms` : 'is unreachable';
      this.logger.warn(`${service} ${req.method} ${req.path} ${reason} (${errorCode(e)})`);
      throw unavailable(service, `${service} ${reason}; try again shortly`);
    }
    const body = await readBody(response);
    if (response.status < 400) return { status: response.status, body };
    if (response.status === 401 || response.status === 403) {
      // The user's rights were checked here; a refusal upstream means our internal token is wrong.
      this.logger.error(`${service} refused the gateway's internal token (${response.status}) on ${req.method} ${req.path}`);
      throw unavailable(service, `${service} refused the gateway's internal credentials; the deployment is misconfigured`);
    }
    if (response.status === 503 && isErrorBody(body)) {
      // The service is up and says why it cannot serve (e.g. the first credential set was not
      // issued in time): that sentence is the cause the client needs.
      return { status: 503, body: asErrorBody(503, body) };
    }
    if (response.status >= 500) {
      this.logger.error(`${service} answered ${response.status} on ${req.method} ${req.path}`);
      throw unavailable(service, `${service} failed to handle the request (status ${response.status}); try again shortly`);
    }
    return { status: response.status, body: asErrorBody(response.status, body) };
  }
}

function unavailable(service: UpstreamService, message: string): RotorError {
  return new RotorError(`UPSTREAM.${service.toUpperCase().replace('-', '_')}_UNAVAILABLE`, message, 'unavailable');
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A 4xx body in the shape every Rotor error has, whatever the service sent. */
function asErrorBody(status: number, body: unknown): unknown {
  if (isErrorBody(body)) {
    const details = (body as { details?: unknown }).details;
    return { statusCode: status, error: body.error, message: body.message, details: Array.isArray(details) ? details : [] };
  }
  // A body that is not ours is not echoed: nothing guarantees it holds no secret.
  return { statusCode: status, error: `UPSTREAM.${status}`, message: `the request failed with status ${status}`, details: [] };
}

function isErrorBody(body: unknown): body is { error: string; message: string } {
  return typeof body === 'object' && body !== null && typeof (body as { error?: unknown }).error === 'string' && typeof (body as { message?: unknown }).message === 'string';
}

function errorCode(e: unknown): string {
  const cause = (e as { cause?: { code?: string } }).cause;
  return cause?.code ?? (e instanceof Error ? e.name : 'unknown');
}
