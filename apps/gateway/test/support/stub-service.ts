import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface StubReply {
  status: number;
  body?: unknown;
  /** Delay before answering, to provoke the gateway's timeout. */
  delayMs?: number;
}

type Handler = (req: RecordedRequest, params: string[]) => StubReply;

/**
 * A tiny HTTP server that plays an internal service: it records every request it receives
 * and answers from routes registered with `on` (the newest matching route wins).
 */
export class StubService {
  readonly requests: RecordedRequest[] = [];
  private routes: { method: string; pattern: RegExp; handler: Handler }[] = [];
  private server: Server | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();
  url = '';

  on(method: string, pattern: RegExp, handler: Handler): this {
    this.routes.unshift({ method, pattern, handler });
    return this;
  }

  /** Removes routes added after `count` routes existed (see `routeCount`). */
  resetTo(count: number): void {
    this.routes = this.routes.slice(this.routes.length - count);
  }

  get routeCount(): number {
    return this.routes.length;
  }

  last(method?: string, pathPrefix?: string): RecordedRequest | undefined {
    return [...this.requests].reverse().find((r) => (!method || r.method === method) && (!pathPrefix || r.path.startsWith(pathPrefix)));
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://stub');
        const text = Buffer.concat(chunks).toString('utf8');
        const recorded: RecordedRequest = {
          method: req.method ?? 'GET',
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          headers: req.headers,
          body: text ? JSON.parse(text) : undefined,
        };
        this.requests.push(recorded);
        let reply: StubReply = { status: 404, body: { statusCode: 404, error: 'STUB.NO_ROUTE', message: `no stub route for ${recorded.method} ${recorded.path}` } };
        for (const route of this.routes) {
          const match = route.method === recorded.method ? route.pattern.exec(recorded.path) : null;
          if (match) {
            reply = route.handler(recorded, match.slice(1).map(decodeURIComponent));
            break;
          }
        }
        const send = () => {
          if (res.destroyed) return;
          res.statusCode = reply.status;
          if (reply.body === undefined) return void res.end();
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify(reply.body));
        };
        if (!reply.delayMs) return send();
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          send();
        }, reply.delayMs);
        this.timers.add(timer);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.server = null;
  }
}
