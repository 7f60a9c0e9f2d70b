import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { Agent, IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { INTERNAL_TOKEN_HEADER, loadInternalToken } from '@rotor/service-runtime';
import { auditHeaders } from '../audit/audit-headers';
import { RotorError } from '@rotor/util';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';

export type UpstreamService = 'rotation-config' | 'secret-store' | 'alerts';

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
 *
 * node:http with keep-alive sockets rather than fetch: a call costs a fraction of the CPU,
 * and nothing outlives it (a fetch with AbortSignal.timeout kept every request's state
 * reachable until its timer fired, which let the heap grow by the thousands under load).
 */
@Injectable()
export class InternalHttpClient implements OnModuleDestroy {
  private readonly logger = new Logger('upstream');
  private readonly token = loadInternalToken();
  private readonly instances: Record<UpstreamService, URL[]>;
  /** Where each service's next request starts, so instances take turns. */
  private readonly turn: Record<UpstreamService, number> = { 'rotation-config': 0, 'secret-store': 0, alerts: 0 };
  // Idle sockets close before the services' own keep-alive timeout (Node: 5 s), so a request
  // is never written to a socket the other side is closing.
  private readonly agents = { http: new Agent({ keepAlive: true, maxSockets: 128, timeout: 4_000 }), https: new HttpsAgent({ keepAlive: true, maxSockets: 128, timeout: 4_000 }) };

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {
    this.instances = { 'rotation-config': config.rotationConfigUrls, 'secret-store': config.secretStoreUrls, alerts: config.alertsUrls };
  }

  onModuleDestroy(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  async call(service: UpstreamService, req: UpstreamRequest): Promise<UpstreamResponse> {
    let response: { status: number; text: string };
    try {
      response = await this.sendToAnInstance(service, req);
    } catch (e) {
      const timedOut = e instanceof UpstreamTimeout;
      const reason = timedOut ? `did not answer within ${this.config.upstreamTimeoutMs} ms` : 'is unreachable';
      this.logger.warn(`${service} ${req.method} ${req.path} ${reason} (${errorCode(e)})`);
      throw unavailable(service, `${service} ${reason}; try again shortly`);
    }
    const body = parseBody(response.text);
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

  /**
   * The request to the service's instances in turn. When an instance is down, the next one is
   * tried: for any request whose connection was refused (it never reached the instance), and
   * for a GET whatever cut it short but a timeout (reads change nothing; a slow instance is
   * not waited for twice). The last failure is thrown when every instance failed.
   */
  private async sendToAnInstance(service: UpstreamService, req: UpstreamRequest): Promise<{ status: number; text: string }> {
    const instances = this.instances[service];
    const first = this.turn[service]++ % instances.length;
    for (let i = 0; ; i++) {
      const url = new URL(req.path, instances[(first + i) % instances.length]);
      for (const [key, value] of Object.entries(req.query ?? {})) {
        if (value !== undefined) url.searchParams.set(key, String(value));
      }
      try {
        return await this.send(url, req);
      } catch (e) {
        const another = i + 1 < instances.length;
        const worthAnother = errorCode(e) === 'ECONNREFUSED' || (req.method === 'GET' && !(e instanceof UpstreamTimeout));
        if (!another || !worthAnother) throw e;
        this.logger.warn(`${service} instance ${url.host} is unreachable (${errorCode(e)}); trying the next one`);
      }
    }
  }

  /** One request and its whole answer within the timeout; a GET is tried again once on a kept-alive socket the service had closed. */
  private async send(url: URL, req: UpstreamRequest): Promise<{ status: number; text: string }> {
    try {
      return await this.sendOnce(url, req);
    } catch (e) {
      if (req.method === 'GET' && e instanceof StaleSocket) return this.sendOnce(url, req);
      throw e instanceof StaleSocket ? e.cause : e;
    }
  }

  private sendOnce(url: URL, req: UpstreamRequest): Promise<{ status: number; text: string }> {
    const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
    const https = url.protocol === 'https:';
    return new Promise((resolve, reject) => {
      const request = (https ? httpsRequest : httpRequest)(
        url,
        {
          method: req.method,
          agent: https ? this.agents.https : this.agents.http,
          headers: {
            [INTERNAL_TOKEN_HEADER]: this.token,
            ...auditHeaders(),
            accept: 'application/json',
            ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
          },
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            clearTimeout(timer);
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
          });
          res.on('error', fail);
        },
      );
      const timer = setTimeout(() => request.destroy(new UpstreamTimeout()), this.config.upstreamTimeoutMs);
      function fail(e: Error) {
        clearTimeout(timer);
        const code = (e as NodeJS.ErrnoException).code;
        reject(request.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE') ? new StaleSocket(e) : e);
      }
      request.on('error', fail);
      request.end(payload);
    });
  }
}

class UpstreamTimeout extends Error {
  override readonly name = 'TimeoutError';
}

class StaleSocket extends Error {
  constructor(override readonly cause: Error) {
    super(cause.message);
  }
}

function unavailable(service: UpstreamService, message: string): RotorError {
  return new RotorError(`UPSTREAM.${service.toUpperCase().replace('-', '_')}_UNAVAILABLE`, message, 'unavailable');
}

function parseBody(text: string): unknown {
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
  return (e as NodeJS.ErrnoException | undefined)?.code ?? (e instanceof Error ? e.name : 'unknown');
}
