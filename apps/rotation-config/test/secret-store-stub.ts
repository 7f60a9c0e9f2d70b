import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

type Location = { projectId: string; environment: string; secretPath: string };

/**
 * The secret store's internal HTTP API as rotation-config calls it (which jobs are stored,
 * which secrets exist at a location), answered from what the test did: the harness marks a job
 * stored when it publishes that job's RotationSecretsStored, as the real store commits its
 * secrets before that event reaches rotation-config. It checks the internal token as the real
 * one does, and counts the calls so a test can tell a check was made.
 */
export class SecretStoreStub {
  readonly storedJobIds = new Set<string>();
  readonly calls: string[] = [];
  private readonly secrets = new Map<string, { secretKey: string; rotationId: string | null }[]>();
  private server!: Server;
  /** When set, every call answers this status (e.g. 503: the store is down). */
  failWith: number | null = null;

  constructor(private readonly token: string) {}

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** A secret at a location: a user's own (rotationId null) or one a rotation manages. */
  addSecret(location: Location, secretKey: string, rotationId: string | null = null): void {
    const key = locationKey(location);
    this.secrets.set(key, [...(this.secrets.get(key) ?? []), { secretKey, rotationId }]);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://stub');
    this.calls.push(`${req.method} ${url.pathname}`);
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.headers['x-rotor-internal-token'] !== this.token) return send(401, { error: 'AUTH.INTERNAL_TOKEN' });
    if (this.failWith !== null) return send(this.failWith, { error: 'STUB.FAILING' });
    if (req.method === 'POST' && url.pathname === '/internal/rotations/stored-jobs') {
      const { jobIds } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { jobIds: string[] };
      return send(200, { storedJobIds: jobIds.filter((id) => this.storedJobIds.has(id)) });
    }
    if (req.method === 'GET' && url.pathname === '/internal/secrets/keys') {
      const q = Object.fromEntries(url.searchParams) as Location;
      return send(200, { secrets: this.secrets.get(locationKey(q)) ?? [] });
    }
    send(404, { error: 'NOT_FOUND' });
  }
}

function locationKey(l: Location): string {
  return JSON.stringify([l.projectId, l.environment, l.secretPath]);
}
