import { randomUUID } from 'node:crypto';
import { RecordedRequest, StubService } from './stub-service';

type Item = Record<string, unknown> & { id: string; projectId: string };

const notFound = (what: string) => ({ status: 404, body: { statusCode: 404, error: `${what}.NOT_FOUND`, message: `${what} not found`, details: [] } });

/**
 * Plays rotation-config behind the gateway: keeps connections and rotations in memory and
 * answers like the real service would, so authorization can be exercised by id.
 */
export function fakeRotationConfig(): StubService & { connections: Map<string, Item>; rotations: Map<string, Item> } {
  const stub = new StubService() as StubService & { connections: Map<string, Item>; rotations: Map<string, Item> };
  const connections = new Map<string, Item>();
  const rotations = new Map<string, Item>();
  stub.connections = connections;
  stub.rotations = rotations;
  const C = '/internal/app-connections/redis';
  const R = '/internal/secret-rotations/redis-credentials';
  const byProject = (m: Map<string, Item>, req: RecordedRequest) => [...m.values()].filter((i) => i.projectId === req.query['projectId']);

  stub
    .on('POST', new RegExp(`^${C}$`), (req) => {
      const body = req.body as Item;
      const item: Item = { ...body, id: randomUUID(), app: 'redis', createdAt: new Date().toISOString(), updatedAt: new Date().toISOString() };
      connections.set(item.id, item);
      // Deliberately echo the password: the gateway must strip it.
      return { status: 200, body: { appConnection: item } };
    })
    .on('GET', new RegExp(`^${C}$`), (req) => ({ status: 200, body: { appConnections: byProject(connections, req) } }))
    .on('GET', new RegExp(`^${C}/([^/]+)$`), (_req, [id]) => {
      const item = connections.get(id as string);
      return item ? { status: 200, body: { appConnection: item } } : notFound('APP_CONNECTION');
    })
    .on('PATCH', new RegExp(`^${C}/([^/]+)$`), (req, [id]) => {
      const item = connections.get(id as string);
      if (!item) return notFound('APP_CONNECTION');
      Object.assign(item, req.body);
      return { status: 200, body: { appConnection: item } };
    })
    .on('DELETE', new RegExp(`^${C}/([^/]+)$`), (_req, [id]) => {
      const item = connections.get(id as string);
      if (!item) return notFound('APP_CONNECTION');
      connections.delete(item.id);
      return { status: 200, body: { appConnection: item } };
    })
    .on('POST', new RegExp(`^${R}$`), (req) => {
      const body = req.body as Record<string, unknown>;
      const conn = connections.get(body['connectionId'] as string);
      const id = randomUUID();
      const now = new Date().toISOString();
      const folder = body['folder'] as { id: string; path: string };
      const item: Item = {
        id,
        name: body['name'],
        description: body['description'] ?? null,
        isAutoRotationEnabled: body['isAutoRotationEnabled'],
        activeIndex: 0,
        folderId: folder.id,
        connectionId: body['connectionId'],
        createdAt: now,
        updatedAt: now,
        rotationInterval: body['rotationInterval'],
        rotationStatus: 'success',
        lastRotationAttemptedAt: now,
        lastRotatedAt: now,
        lastRotationJobId: randomUUID(),
        nextRotationAt: now,
        connection: { app: 'redis', name: conn?.['name'] ?? 'unknown', id: body['connectionId'] },
        environment: body['environment'],
        projectId: body['projectId'] as string,
        folder,
        rotateAtUtc: body['rotateAtUtc'],
        lastRotationMessage: null,
        type: 'redis-credentials',
        parameters: body['parameters'],
        secretsMapping: body['secretsMapping'],
        isRotationInFlight: false,
        inFlightJobId: null,
      };
      rotations.set(id, item);
      return { status: 200, body: { secretRotation: item } };
    })
    .on('GET', new RegExp(`^${R}$`), (req) => ({ status: 200, body: { secretRotations: byProject(rotations, req) } }))
    .on('GET', new RegExp(`^${R}/rotation-name/([^/]+)$`), (req, [name]) => {
      const item = [...rotations.values()].find(
        (r) =>
          r['name'] === name &&
          r.projectId === req.query['projectId'] &&
          (r['environment'] as { slug: string }).slug === req.query['environment'] &&
          (r['folder'] as { path: string }).path === req.query['secretPath'],
      );
      return item ? { status: 200, body: { secretRotation: item } } : notFound('SECRET_ROTATION');
    })
    .on('GET', new RegExp(`^${R}/([^/]+)$`), (_req, [id]) => {
      const item = rotations.get(id as string);
      return item ? { status: 200, body: { secretRotation: item } } : notFound('SECRET_ROTATION');
    })
    .on('PATCH', new RegExp(`^${R}/([^/]+)$`), (req, [id]) => {
      const item = rotations.get(id as string);
      if (!item) return notFound('SECRET_ROTATION');
      Object.assign(item, req.body);
      return { status: 200, body: { secretRotation: item } };
    })
    .on('DELETE', new RegExp(`^${R}/([^/]+)$`), (_req, [id]) => {
      const item = rotations.get(id as string);
      if (!item) return notFound('SECRET_ROTATION');
      rotations.delete(item.id);
      return { status: 200, body: { secretRotation: item } };
    })
    .on('POST', new RegExp(`^${R}/([^/]+)/rotate-secrets$`), (_req, [id]) => {
      const item = rotations.get(id as string);
      if (!item) return notFound('SECRET_ROTATION');
      item['activeIndex'] = item['activeIndex'] === 0 ? 1 : 0;
      item['lastRotationJobId'] = randomUUID();
      return { status: 200, body: { secretRotation: item, jobId: item['lastRotationJobId'] } };
    })
    .on('GET', new RegExp(`^${R}/([^/]+)/history$`), (_req, [id]) =>
      rotations.has(id as string)
        ? { status: 200, body: { history: [{ type: 'RotationCreated', occurredAt: new Date().toISOString(), jobId: null }] } }
        : notFound('SECRET_ROTATION'),
    );
  return stub;
}

/** Plays the secret-store: records what it is asked and answers with plausible bodies. */
export function fakeSecretStore(): StubService {
  const S = '/internal/secrets/raw';
  const secret = (req: RecordedRequest, name: string) => ({
    id: randomUUID(),
    secretKey: name,
    secretValue: (req.body as { secretValue?: string } | undefined)?.secretValue ?? 'stored-value',
    version: 1,
    updatedAt: new Date().toISOString(),
    rotationId: null,
    environment: (req.body as { environment?: string } | undefined)?.environment ?? req.query['environment'],
    secretPath: (req.body as { secretPath?: string } | undefined)?.secretPath ?? req.query['secretPath'],
    type: 'shared',
  });
  return new StubService()
    .on('GET', new RegExp(`^${S}$`), () => ({ status: 200, body: { secrets: [] } }))
    .on('GET', new RegExp(`^${S}/([^/]+)$`), (req, [name]) => ({ status: 200, body: { secret: secret(req, name as string) } }))
    .on('POST', new RegExp(`^${S}/([^/]+)$`), (req, [name]) => ({ status: 200, body: { secret: secret(req, name as string) } }))
    .on('PATCH', new RegExp(`^${S}/([^/]+)$`), (req, [name]) => ({ status: 200, body: { secret: secret(req, name as string) } }))
    .on('DELETE', new RegExp(`^${S}/([^/]+)$`), (req, [name]) => ({ status: 200, body: { secret: secret(req, name as string) } }))
    .on('GET', /^\/internal\/rotations\/([^/]+)\/generated-credentials$/, () => ({
      status: 200,
      body: { generatedCredentials: [{ username: 'rotor_x_0', password: 'p0' }, { username: 'rotor_x_1', password: 'p1' }], activeIndex: 0 },
    }));
}
